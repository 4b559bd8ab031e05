import 'reflect-metadata';
import { register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { businessMetrics, initBusinessMetrics } from '../src/metrics/business-metrics';
import { eventConsumerMetrics } from '../src/metrics/outbox-metrics';
import { parseExposition, sampleValue } from '@ha-shop/testkit';

describe('business metrics', () => {
  it('are process-wide singletons: every caller increments the same counter', async () => {
    const a = businessMetrics();
    const b = businessMetrics();
    expect(a.orders).toBe(b.orders);
    a.orders.inc({ status: 'paid' });
    b.orders.inc({ status: 'paid' });
    a.revenueMinor.inc({ currency: 'EUR' }, 1250);
    const samples = parseExposition(await register.metrics());
    expect(sampleValue(samples, 'shop_orders_total', { status: 'paid' })).toBe(2);
    expect(sampleValue(samples, 'shop_revenue_minor_total', { currency: 'EUR' })).toBe(1250);
  });

  it('start the known label values at 0 so ratios exist before the first event', async () => {
    initBusinessMetrics('payment-service');
    const samples = parseExposition(await register.metrics());
    for (const outcome of ['succeeded', 'declined', 'error']) {
      expect(samples.some((s) => s.name === 'shop_payments_total' && s.labels.outcome === outcome)).toBe(
        true,
      );
    }
    for (const status of ['pending_payment', 'paid', 'payment_failed', 'cancelled']) {
      expect(samples.some((s) => s.name === 'shop_orders_total' && s.labels.status === status)).toBe(true);
    }
  });

  it('only exports the counters a process uses', async () => {
    // Nothing here touched cart adds: a process that never adds to carts does not claim 0 adds.
    expect(await register.metrics()).not.toMatch(/^shop_cart_adds_total /m);
    businessMetrics().cartAdds.inc();
    expect(await register.metrics()).toMatch(/^shop_cart_adds_total 1$/m);
  });

  it('consumer lag gauges reuse an existing registration instead of throwing', () => {
    const first = eventConsumerMetrics();
    const second = eventConsumerMetrics();
    expect(first.lag).toBe(second.lag);
    first.lag.set({ source: 'checkout-service' }, 3);
    expect(register.getSingleMetric('event_consumer_lag_events')).toBe(first.lag);
  });
});
