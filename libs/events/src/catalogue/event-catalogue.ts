import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import {
  CartItemAddedPayload,
  CheckoutStartedPayload,
  OrderEventPayload,
  OrderPlacedPayload,
} from './order-events';
import { PaymentOutcomePayload, PaymentRefundedPayload } from './payment-events';
import {
  InventoryCommittedPayload,
  InventoryReleasedPayload,
  InventoryReservedPayload,
  ProductCreatedPayload,
  ProductUpdatedPayload,
  ProductViewedPayload,
  StockAdjustedPayload,
} from './product-events';
import { UserLoggedInPayload, UserRegisteredPayload } from './user-events';

/** Every event name on any feed. Producers and consumers use these, never string literals. */
export const EVENTS = {
  productCreated: 'product.created',
  productUpdated: 'product.updated',
  productViewed: 'product.viewed',
  stockAdjusted: 'stock.adjusted',
  inventoryReserved: 'inventory.reserved',
  inventoryCommitted: 'inventory.committed',
  inventoryReleased: 'inventory.released',
  cartItemAdded: 'cart.item_added',
  checkoutStarted: 'checkout.started',
  orderPlaced: 'order.placed',
  orderPaid: 'order.paid',
  orderPaymentFailed: 'order.payment_failed',
  orderCancelled: 'order.cancelled',
  orderFulfilled: 'order.fulfilled',
  orderRefunded: 'order.refunded',
  paymentAuthorised: 'payment.authorised',
  paymentDeclined: 'payment.declined',
  paymentRefunded: 'payment.refunded',
  userRegistered: 'user.registered',
  userLoggedIn: 'user.logged_in',
} as const;

/** Each event's payload: the type producers must build and the runtime schema it is checked against. */
const PAYLOADS = {
  [EVENTS.productCreated]: ProductCreatedPayload,
  [EVENTS.productUpdated]: ProductUpdatedPayload,
  [EVENTS.productViewed]: ProductViewedPayload,
  [EVENTS.stockAdjusted]: StockAdjustedPayload,
  [EVENTS.inventoryReserved]: InventoryReservedPayload,
  [EVENTS.inventoryCommitted]: InventoryCommittedPayload,
  [EVENTS.inventoryReleased]: InventoryReleasedPayload,
  [EVENTS.cartItemAdded]: CartItemAddedPayload,
  [EVENTS.checkoutStarted]: CheckoutStartedPayload,
  [EVENTS.orderPlaced]: OrderPlacedPayload,
  [EVENTS.orderPaid]: OrderEventPayload,
  [EVENTS.orderPaymentFailed]: OrderEventPayload,
  [EVENTS.orderCancelled]: OrderEventPayload,
  [EVENTS.orderFulfilled]: OrderEventPayload,
  [EVENTS.orderRefunded]: OrderEventPayload,
  [EVENTS.paymentAuthorised]: PaymentOutcomePayload,
  [EVENTS.paymentDeclined]: PaymentOutcomePayload,
  [EVENTS.paymentRefunded]: PaymentRefundedPayload,
  [EVENTS.userRegistered]: UserRegisteredPayload,
  [EVENTS.userLoggedIn]: UserLoggedInPayload,
} satisfies Record<(typeof EVENTS)[keyof typeof EVENTS], new () => object>;

export type EventType = keyof typeof PAYLOADS;
export type EventPayload<T extends EventType> = InstanceType<(typeof PAYLOADS)[T]>;

/** An event's name with its payload, the payload's type following from the name. */
export type CataloguedEvent = {
  [T in EventType]: { type: T; payload: EventPayload<T> };
}[EventType];

/** An event as a producer hands it to the outbox. */
export type NewEvent = CataloguedEvent & { aggregateId: string };

/** The order status changes (checkout's state machine names one per transition). */
export type OrderTransitionEvent =
  | typeof EVENTS.orderPaid
  | typeof EVENTS.orderPaymentFailed
  | typeof EVENTS.orderCancelled
  | typeof EVENTS.orderFulfilled
  | typeof EVENTS.orderRefunded;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(PAYLOADS, type);
}

/**
 * Where `payload` departs from what the catalogue says `type` carries; empty when it matches.
 * The payload is checked as it will be stored (its JSON form), and a field the catalogue
 * does not name is a mismatch too, so the catalogue can never fall behind a producer.
 */
export function payloadMismatches(type: string, payload: unknown): string[] {
  if (!isEventType(type)) return [`"${type}" is not an event in the catalogue`];
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return ['the payload must be an object'];
  }
  const stored: unknown = JSON.parse(JSON.stringify(payload));
  const schema: new () => object = PAYLOADS[type];
  const errors = validateSync(plainToInstance(schema, stored), {
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  return errors.flatMap((e) => describe(e, ''));
}

// class-validator's messages start with the property's name; nested ones get their path in front.
function describe(error: ValidationError, parent: string): string[] {
  const own = Object.values(error.constraints ?? {}).map((message) => parent + message);
  const path = `${parent}${error.property}.`;
  return [...own, ...(error.children ?? []).flatMap((child) => describe(child, path))];
}

/** A feed event narrowed to its catalogued type, or undefined when the catalogue does not describe it. */
export function readEvent(event: { type: string; payload: unknown }): CataloguedEvent | undefined {
  if (payloadMismatches(event.type, event.payload).length > 0) return undefined;
  return { type: event.type, payload: event.payload } as CataloguedEvent;
}
