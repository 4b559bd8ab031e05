import { randomUUID } from 'node:crypto';
import { EVENTS, type EventPayload, type NewEvent, type OrderTransitionEvent } from '@ha-shop/events';

export interface SampleOrderOptions {
  userId?: string | null;
  currency?: string;
  orderId?: string;
}

type OrderEventType = OrderTransitionEvent | typeof EVENTS.orderPlaced;

const STATUS_AFTER: Record<OrderEventType, EventPayload<OrderEventType>['status']> = {
  [EVENTS.orderPlaced]: 'PENDING_PAYMENT',
  [EVENTS.orderPaid]: 'PAID',
  [EVENTS.orderPaymentFailed]: 'PAYMENT_FAILED',
  [EVENTS.orderCancelled]: 'CANCELLED',
  [EVENTS.orderFulfilled]: 'FULFILLED',
  [EVENTS.orderRefunded]: 'REFUNDED',
};

/**
 * An order event as checkout-service writes it, for tests that feed a consumer directly
 * from an outbox; the catalogue checks it like any producer's.
 */
export function sampleOrderEvent(
  type: OrderEventType,
  total: number,
  options: SampleOrderOptions = {},
): NewEvent {
  const orderId = options.orderId ?? randomUUID();
  const userId = options.userId === undefined ? 'u1' : options.userId;
  const common = {
    orderId,
    userId,
    guest: userId === null,
    cartId: randomUUID(),
    status: STATUS_AFTER[type],
    total,
    subtotal: total,
    currency: options.currency ?? 'EUR',
    itemCount: 1,
  };
  const line = { sku: 'SKU-1', quantity: 1, unitPrice: total, lineTotal: total };
  return type === EVENTS.orderPlaced
    ? { type, aggregateId: orderId, payload: { ...common, lines: [line] } }
    : { type, aggregateId: orderId, payload: { ...common, from: 'PENDING_PAYMENT' as const } };
}

/** A `product.viewed` event, the smallest catalogued event, for tests of the feed itself. */
export function sampleViewEvent(slug: string, userId: string | null = null): NewEvent {
  const productId = randomUUID();
  return { type: EVENTS.productViewed, aggregateId: productId, payload: { productId, slug, userId } };
}
