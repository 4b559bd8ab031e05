/** Event types this service writes to its outbox (the feed contract for analytics). */
export const EVENTS = {
  productCreated: 'product.created',
  productUpdated: 'product.updated',
  productViewed: 'product.viewed',
  stockAdjusted: 'stock.adjusted',
  inventoryReserved: 'inventory.reserved',
  inventoryCommitted: 'inventory.committed',
  inventoryReleased: 'inventory.released',
} as const;
