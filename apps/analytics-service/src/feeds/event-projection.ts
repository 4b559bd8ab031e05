import { type CataloguedEvent, type DomainEvent, EVENTS, type EventType, readEvent } from '@ha-shop/events';

/** One additive change to a per-minute aggregate. */
export interface KpiIncrement {
  metric: string;
  dimension?: string;
  value: number;
}

export interface Projection {
  increments: KpiIncrement[];
  /** A user seen doing something, for "active users". */
  activeUserId?: string;
}

const COUNTERS: Partial<Record<EventType, string>> = {
  [EVENTS.productViewed]: 'product_views',
  [EVENTS.cartItemAdded]: 'cart_adds',
  [EVENTS.checkoutStarted]: 'checkouts_started',
  [EVENTS.orderPlaced]: 'orders_placed',
  [EVENTS.orderPaid]: 'orders_paid',
  [EVENTS.orderPaymentFailed]: 'orders_payment_failed',
  [EVENTS.orderCancelled]: 'orders_cancelled',
  [EVENTS.orderRefunded]: 'orders_refunded',
  [EVENTS.paymentAuthorised]: 'payments_authorised',
  [EVENTS.paymentDeclined]: 'payments_declined',
  [EVENTS.userRegistered]: 'users_registered',
  [EVENTS.userLoggedIn]: 'logins',
};

/** Who did it, for the events that name a shopper. */
function actorOf(event: CataloguedEvent): string | undefined {
  switch (event.type) {
    case EVENTS.paymentAuthorised:
    case EVENTS.paymentDeclined:
      return event.payload.customerId ?? undefined;
    case EVENTS.productViewed:
    case EVENTS.cartItemAdded:
    case EVENTS.checkoutStarted:
    case EVENTS.orderPlaced:
    case EVENTS.orderPaid:
    case EVENTS.orderPaymentFailed:
    case EVENTS.orderCancelled:
    case EVENTS.orderFulfilled:
    case EVENTS.orderRefunded:
    case EVENTS.userRegistered:
    case EVENTS.userLoggedIn:
      return event.payload.userId ?? undefined;
    default:
      return undefined;
  }
}

function money(event: CataloguedEvent): KpiIncrement[] {
  if (event.type === EVENTS.orderPaid) {
    const { total, currency } = event.payload;
    return [
      { metric: 'revenue_minor', dimension: currency, value: total },
      { metric: 'orders_paid_by_currency', dimension: currency, value: 1 },
    ];
  }
  if (event.type === EVENTS.orderRefunded) {
    return [{ metric: 'refunded_minor', dimension: event.payload.currency, value: event.payload.total }];
  }
  return [];
}

/**
 * What an event means for the KPIs. Pure, so the same event always has the same
 * effect and replaying is only a question of deduplication. An event whose payload
 * the catalogue does not describe still counts (it happened) but adds no money or user.
 */
export function project(event: DomainEvent): Projection {
  const counter = COUNTERS[event.type as EventType];
  if (!counter) return { increments: [] };
  const increments: KpiIncrement[] = [{ metric: counter, value: 1 }];
  const typed = readEvent(event);
  if (!typed) return { increments };
  return { increments: [...increments, ...money(typed)], activeUserId: actorOf(typed) };
}
