import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { KpiService } from './kpi.service';

const WINDOW = '1h';

/**
 * The KPIs as Prometheus gauges, computed from the database at scrape time so every
 * replica reports the same numbers and nothing is double counted across replicas.
 */
@Injectable()
export class KpiMetrics implements OnModuleInit {
  constructor(private readonly kpis: KpiService) {}

  onModuleInit(): void {
    // One collector per process, even when tests boot several analytics apps.
    if (register.getSingleMetric('shop_kpi_orders_per_minute')) return;
    let snapshot: Promise<Awaited<ReturnType<KpiService['compute']>> | null> | null = null;
    const current = () => {
      // Every gauge's collect() runs in the same scrape; compute once for all of them.
      snapshot ??= this.kpis
        .compute(WINDOW)
        .catch(() => null)
        .finally(() => setTimeout(() => (snapshot = null), 500).unref());
      return snapshot;
    };
    const gauge = (
      name: string,
      help: string,
      labelNames: string[],
      fill: (g: Gauge, k: NonNullable<Awaited<ReturnType<typeof current>>>) => void,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['window', ...labelNames],
        async collect() {
          const k = await current();
          this.reset();
          if (k) fill(this, k);
        },
      });
    gauge('shop_kpi_orders_per_minute', 'Orders placed per minute over the window.', [], (g, k) =>
      g.set({ window: WINDOW }, k.ordersPerMinute),
    );
    gauge(
      'shop_kpi_revenue_minor',
      'Revenue of paid orders in minor units over the window.',
      ['currency'],
      (g, k) => k.revenue.forEach((r) => g.set({ window: WINDOW, currency: r.currency }, r.amountMinor)),
    );
    gauge(
      'shop_kpi_average_order_value_minor',
      'Average paid order value in minor units.',
      ['currency'],
      (g, k) =>
        k.averageOrderValue.forEach((r) => g.set({ window: WINDOW, currency: r.currency }, r.amountMinor)),
    );
    gauge('shop_kpi_payment_success_ratio', 'Authorised payments / all payment attempts.', [], (g, k) => {
      if (k.paymentSuccessRate !== null) g.set({ window: WINDOW }, k.paymentSuccessRate);
    });
    gauge('shop_kpi_active_users', 'Distinct users active in the window.', [], (g, k) =>
      g.set({ window: WINDOW }, k.activeUsers),
    );
    gauge('shop_kpi_funnel_events', 'Conversion funnel steps over the window.', ['step'], (g, k) => {
      g.set({ window: WINDOW, step: 'product_view' }, k.funnel.productViews);
      g.set({ window: WINDOW, step: 'cart_add' }, k.funnel.cartAdds);
      g.set({ window: WINDOW, step: 'checkout' }, k.funnel.checkoutsStarted);
      g.set({ window: WINDOW, step: 'paid' }, k.funnel.paid);
    });
  }
}
