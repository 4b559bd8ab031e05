import { ProblemException } from '@ha-shop/service-kit';
import { EntityManager } from 'typeorm';
import { PricedReservationItem, ReservationRow } from './reservation.entity';

// The catalog side of a reservation: checkout prices the order from the reservation's answer,
// so the reserve reads each variant's price in its own transaction and stores it with the items
// (reservation.repository.ts insertPriced); these check and complete what it stored.

/**
 * Refuses what checkout must not sell, before any stock moves: the same problems (and order:
 * unknown first, then not on sale) the separate price step gave the shopper. Throwing rolls the
 * insert back, so a refused attempt stores nothing.
 */
export function refuseUnsellable(items: PricedReservationItem[]): void {
  const unknown = items.filter((i) => i.price === null || i.price === undefined).map((i) => i.sku);
  if (unknown.length > 0) {
    throw new ProblemException(422, 'unknown-sku', `Unknown SKU: ${unknown.join(', ')}.`, { skus: unknown });
  }
  const off = items.filter((i) => i.active !== true).map((i) => i.sku);
  if (off.length > 0) {
    throw new ProblemException(422, 'sku-unavailable', `Not on sale: ${off.join(', ')}.`, { skus: off });
  }
}

/**
 * A reservation stored before prices were kept has none: answer with the current ones (read,
 * not stored, so the row stays as it was written). Rows with stored prices are returned as they are.
 */
export async function withPrices(m: EntityManager, row: ReservationRow): Promise<ReservationRow> {
  if (row.items.every((i) => i.price !== undefined)) return row;
  const found: Array<Required<Omit<PricedReservationItem, 'quantity'>>> = await m.query(
    `SELECT v.sku, v.price, v.currency, p.name, v.options, p.status = 'active' AS active
       FROM product_variant v JOIN product p ON p.id = v.product_id
      WHERE v.sku = ANY($1::text[])`,
    [row.items.map((i) => i.sku)],
  );
  const bySku = new Map(found.map((f) => [f.sku, f]));
  const gone = { price: null, currency: null, name: null, options: null, active: null };
  return {
    ...row,
    items: row.items.map((i) => ({ sku: i.sku, quantity: i.quantity, ...(bySku.get(i.sku) ?? gone) })),
  };
}
