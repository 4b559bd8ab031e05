import type { DomainEvent } from '@ha-shop/events';

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

function amountOf(payload: Record<string, unknown>): number | undefined {
  const v = payload.totalMinor ?? payload.total ?? payload.amountMinor ?? payload.amount;
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

function currencyOf(payload: Record<string, unknown>): string {
  const c = payload.currency;
  return typeof c === 'string' && /^[A-Z]{3}$/.test(c) ? c : 'XXX';
}

function userOf(payload: Record<string, unknown>): string | undefined {
  const u = payload.userId ?? payload.customerId;
  return typeof u === 'string' && u.length <= 200 ? u : undefined;
}

const COUNTERS: Record<string, string> = {
  'product.viewed': 'product_views',
  'cart.item_added': 'cart_adds',
  'checkout.started': 'checkouts_started',
  'order.placed': 'orders_placed',
  'order.paid': 'orders_paid',
  'order.payment_failed': 'orders_payment_failed',
  'order.cancelled': 'orders_cancelled',
  'order.refunded': 'orders_refunded',
  'payment.authorised': 'payments_authorised',
  'payment.declined': 'payments_declined',
  'user.registered': 'users_registered',
  'user.logged_in': 'logins',
};

/**
 * What an event means for the KPIs. Pure, so the same event always has the same
 * effect and replaying is only a question of deduplication.
 */
export function project(event: DomainEvent): Projection {
  const counter = COUNTERS[event.type];
  if (!counter) return { increments: [] };
  const increments: KpiIncrement[] = [{ metric: counter, value: 1 }];
  const payload = event.payload ?? {};
  const amount = amountOf(payload);
  if (event.type === 'order.paid' && amount !== undefined) {
    const currency = currencyOf(payload);
    increments.push({ metric: 'revenue_minor', dimension: currency, value: amount });
    increments.push({ metric: 'orders_paid_by_currency', dimension: currency, value: 1 });
  }
  if (event.type === 'order.refunded' && amount !== undefined) {
    increments.push({ metric: 'refunded_minor', dimension: currencyOf(payload), value: amount });
  }
  const userId = event.type === 'user.registered' ? event.aggregateId : userOf(payload);
  return { increments, activeUserId: userId };
}
