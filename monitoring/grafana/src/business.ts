import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { baseDashboard, QueryCatalogue } from './panels';

export const BUSINESS_UID = 'ha-shop-business';

const rate = (metric: string, filter = '') =>
  `rate(${metric}${filter ? `{${filter}}` : ''}[$__rate_interval])`;
const inRange = (metric: string, filter = '') =>
  `increase(${metric}${filter ? `{${filter}}` : ''}[$__range])`;

/**
 * What the shop sells. Counters from checkout/payment (exact, per process, summed) for
 * rates; analytics' KPI gauges where a figure needs the order history (AOV, active users).
 * Money is in minor units in the metrics; panels divide by 100 (2-decimal currencies).
 */
export function business() {
  const c = new QueryCatalogue(BUSINESS_UID);
  const d = baseDashboard(
    BUSINESS_UID,
    'ha-shop / Business',
    'Orders, revenue, average order value, conversion and payment success.',
  );

  d.withRow(new dashboard.RowBuilder('In the selected time range'));
  d.withPanel(
    c.stat(
      'Orders placed per minute',
      'none',
      [{ expr: `sum(${rate('shop_orders_total', 'status="pending_payment"')}) * 60` }],
      { decimals: 1 },
    ),
  );
  d.withPanel(
    c.stat(
      'Revenue',
      'none',
      [{ expr: `sum by (currency) (${inRange('shop_revenue_minor_total')}) / 100`, legend: '{{currency}}' }],
      {
        decimals: 2,
        description: 'Paid orders in the selected range, per currency.',
      },
    ),
  );
  d.withPanel(
    c.stat(
      'Average order value (1h)',
      'none',
      [
        {
          expr: 'max by (currency) (shop_kpi_average_order_value_minor{window="1h"}) / 100',
          legend: '{{currency}}',
        },
      ],
      { decimals: 2, description: 'From analytics-service (computed from the consumed order events).' },
    ),
  );
  d.withPanel(
    c.stat(
      'Payment success',
      'percentunit',
      [
        {
          expr: `sum(${inRange('shop_payments_total', 'outcome="succeeded"')}) / sum(${inRange('shop_payments_total')})`,
        },
      ],
      {
        decimals: 1,
        thresholds: [
          [null, 'red'],
          [0.8, 'orange'],
          [0.95, 'green'],
        ],
      },
    ),
  );

  d.withRow(new dashboard.RowBuilder('Over time'));
  d.withPanel(
    c.timeseries(
      'Orders per minute by state entered',
      'none',
      [{ expr: `sum by (status) (${rate('shop_orders_total')}) * 60`, legend: '{{status}}' }],
      { min: 0 },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Revenue per minute',
      'none',
      [
        {
          expr: `sum by (currency) (${rate('shop_revenue_minor_total')}) * 60 / 100`,
          legend: '{{currency}}',
        },
      ],
      { min: 0 },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Payments by outcome',
      'ops',
      [{ expr: `sum by (outcome) (${rate('shop_payments_total')})`, legend: '{{outcome}}' }],
      {
        min: 0,
      },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Payment success ratio',
      'percentunit',
      [
        {
          expr: `sum(${rate('shop_payments_total', 'outcome="succeeded"')}) / sum(${rate('shop_payments_total')})`,
          legend: 'succeeded',
        },
      ],
      { min: 0, description: 'The PaymentSuccessRateLow alert fires under 80% for 10 minutes.' },
    ),
  );

  d.withRow(new dashboard.RowBuilder('Conversion'));
  d.withPanel(
    c.bars('Funnel (selected range)', 'none', [
      { expr: `sum(${inRange('shop_cart_adds_total')})`, legend: 'items added to carts' },
      { expr: `sum(${inRange('shop_checkouts_started_total')})`, legend: 'checkouts started' },
      { expr: `sum(${inRange('shop_orders_total', 'status="paid"')})`, legend: 'orders paid' },
    ]),
  );
  d.withPanel(
    c.timeseries(
      'Conversion',
      'percentunit',
      [
        {
          expr: `sum(${rate('shop_orders_total', 'status="paid"')}) / sum(${rate('shop_checkouts_started_total')})`,
          legend: 'checkout → paid',
        },
        {
          expr: `sum(${rate('shop_checkouts_started_total')}) / sum(${rate('shop_cart_adds_total')})`,
          legend: 'cart add → checkout',
        },
      ],
      { min: 0 },
    ),
  );
  d.withPanel(
    c.stat('Active users (1h)', 'none', [{ expr: 'max(shop_kpi_active_users{window="1h"})' }], {
      width: 12,
      description: 'From analytics-service.',
    }),
  );
  d.withPanel(
    c.stat('Cart adds per minute', 'none', [{ expr: `sum(${rate('shop_cart_adds_total')}) * 60` }], {
      width: 12,
      decimals: 1,
    }),
  );
  return { uid: BUSINESS_UID, dashboard: d.build(), queries: c.queries };
}
