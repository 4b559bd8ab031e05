import type { Counter } from 'prom-client';
import { counter } from './registry';

/** Values of `shop_orders_total{status}`: the order state entered, lower-cased. */
export const ORDER_STATUSES = [
  'pending_payment',
  'paid',
  'payment_failed',
  'cancelled',
  'refunded',
  'fulfilled',
] as const;
export type OrderStatusLabel = (typeof ORDER_STATUSES)[number];

/** Values of `shop_payments_total{outcome}`, counted where the charge is decided (payment-service). */
export const PAYMENT_OUTCOMES = ['succeeded', 'declined', 'error'] as const;
export type PaymentOutcome = (typeof PAYMENT_OUTCOMES)[number];

export interface BusinessMetrics {
  /** +1 each time an order enters a state (`status` = the new state). */
  readonly orders: Counter<'status'>;
  /** + the order total in minor units when an order is paid (and never again for it). */
  readonly revenueMinor: Counter<'currency'>;
  /** +1 per charge attempt decided by the payment provider. */
  readonly payments: Counter<'outcome'>;
  /** +1 per item line added to a cart (not per quantity). */
  readonly cartAdds: Counter;
  /** +1 per accepted, non-replayed `POST /checkout`. */
  readonly checkoutsStarted: Counter;
}

let cached: BusinessMetrics | undefined;

/**
 * The business counters, shared by every caller in the process. Each counter is created
 * (and registered) on first use, so a process only exports the counters its service
 * increments; known label values start at 0 so rates and ratios exist before the first order.
 */
export function businessMetrics(): BusinessMetrics {
  cached ??= {
    get orders() {
      return lazy('shop_orders_total', () => {
        const c = counter('shop_orders_total', 'Orders entering each state', ['status']);
        for (const status of ORDER_STATUSES) c.inc({ status }, 0);
        return c;
      });
    },
    get revenueMinor() {
      return lazy('shop_revenue_minor_total', () =>
        counter('shop_revenue_minor_total', 'Revenue of paid orders in minor currency units', ['currency']),
      );
    },
    get payments() {
      return lazy('shop_payments_total', () => {
        const c = counter('shop_payments_total', 'Payment attempts by provider outcome', ['outcome']);
        for (const outcome of PAYMENT_OUTCOMES) c.inc({ outcome }, 0);
        return c;
      });
    },
    get cartAdds() {
      return lazy('shop_cart_adds_total', () => counter('shop_cart_adds_total', 'Items added to carts'));
    },
    get checkoutsStarted() {
      return lazy('shop_checkouts_started_total', () =>
        counter('shop_checkouts_started_total', 'Checkouts started (POST /checkout accepted)'),
      );
    },
  };
  return cached;
}

const created = new Map<string, unknown>();

function lazy<M>(name: string, create: () => M): M {
  let metric = created.get(name) as M | undefined;
  if (!metric) {
    metric = create();
    created.set(name, metric);
  }
  return metric;
}

/**
 * The counters each service increments, created at boot (by ObservabilityModule) so they
 * are exported as 0 before the first event: Prometheus' rate() cannot see the increments
 * a counter had before its first scrape.
 */
export const BUSINESS_COUNTERS_BY_SERVICE: Record<string, ReadonlyArray<keyof BusinessMetrics>> = {
  'checkout-service': ['orders', 'revenueMinor', 'cartAdds', 'checkoutsStarted'],
  'payment-service': ['payments'],
};

export function initBusinessMetrics(service: string): void {
  const metrics = businessMetrics();
  for (const name of BUSINESS_COUNTERS_BY_SERVICE[service] ?? []) void metrics[name];
}
