import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KPI_WINDOWS, Kpis, KpiWindow } from '@ha-shop/service-kit';

const ratio = (num: number, den: number): number | null =>
  den > 0 ? Math.round((num / den) * 10_000) / 10_000 : null;

/** Reads the per-minute aggregates; every figure is a sum over the window's buckets. */
@Injectable()
export class KpiService {
  constructor(private readonly dataSource: DataSource) {}

  async compute(window: KpiWindow, now = new Date()): Promise<Kpis> {
    const minutes = KPI_WINDOWS[window];
    const from = new Date(now.getTime() - minutes * 60_000);
    const rows: Array<{ metric: string; dimension: string; value: string }> = await this.dataSource.query(
      `SELECT metric, dimension, sum(value)::text AS value FROM kpi_minute
       WHERE bucket >= date_trunc('minute', $1::timestamptz) GROUP BY metric, dimension`,
      [from.toISOString()],
    );
    const [{ users }] = (await this.dataSource.query(
      `SELECT count(DISTINCT user_id)::int AS users FROM user_activity WHERE bucket >= date_trunc('minute', $1::timestamptz)`,
      [from.toISOString()],
    )) as Array<{ users: number }>;
    const total = (metric: string) =>
      rows.filter((r) => r.metric === metric).reduce((s, r) => s + Number(r.value), 0);
    const byCurrency = (metric: string) =>
      rows
        .filter((r) => r.metric === metric)
        .map((r) => ({ currency: r.dimension, amountMinor: Number(r.value) }));

    const revenue = byCurrency('revenue_minor');
    const paidByCurrency = new Map(
      byCurrency('orders_paid_by_currency').map((r) => [r.currency, r.amountMinor]),
    );
    const paid = total('orders_paid');
    const views = total('product_views');
    const authorised = total('payments_authorised');
    return {
      window,
      from: from.toISOString(),
      to: now.toISOString(),
      ordersPerMinute: Math.round((total('orders_placed') / minutes) * 100) / 100,
      orders: {
        placed: total('orders_placed'),
        paid,
        paymentFailed: total('orders_payment_failed'),
        cancelled: total('orders_cancelled'),
        refunded: total('orders_refunded'),
      },
      revenue,
      averageOrderValue: revenue.map((r) => ({
        currency: r.currency,
        amountMinor: Math.round(r.amountMinor / Math.max(1, paidByCurrency.get(r.currency) ?? 1)),
      })),
      paymentSuccessRate: ratio(authorised, authorised + total('payments_declined')),
      funnel: {
        productViews: views,
        cartAdds: total('cart_adds'),
        checkoutsStarted: total('checkouts_started'),
        paid,
        conversionRate: ratio(paid, views),
      },
      activeUsers: users,
    };
  }
}
