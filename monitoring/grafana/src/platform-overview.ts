import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { baseDashboard, QueryCatalogue, promAnnotation } from './panels';
import { errorRatio, latencyQuantile, requestRate, REQ, EVERY_BREAKER } from './promql';

export const PLATFORM_UID = 'ha-shop-platform';

/** The first screen: is every service up and answering, and how do its dependencies fare? */
export function platformOverview() {
  const c = new QueryCatalogue(PLATFORM_UID);
  const d = baseDashboard(
    PLATFORM_UID,
    'ha-shop / Platform overview',
    'Availability, RED metrics per service, replicas and circuit breakers of the whole shop.',
  ).annotation(
    promAnnotation(
      c,
      'Breaker opened',
      'sum by (service, dependency) (increase(circuit_breaker_transitions_total{to="open"}[1m])) > 0',
      'red',
      '{{service}} → {{dependency}} breaker opened',
    ),
  );

  d.withRow(new dashboard.RowBuilder('Availability'));
  d.withPanel(
    c.stat(
      'Availability now',
      'percentunit',
      [{ expr: `1 - ${errorRatio('service')}`, legend: '{{service}}' }],
      {
        width: 8,
        decimals: 2,
        description: 'Share of requests not answered 5xx, per service, over the last rate interval.',
        thresholds: [
          [null, 'red'],
          [0.99, 'orange'],
          [0.999, 'green'],
        ],
      },
    ),
  );
  d.withPanel(
    c.stat('Replicas up', 'none', [{ expr: 'sum by (service) (up{service!=""})', legend: '{{service}}' }], {
      width: 8,
      description: 'Replicas whose /metrics Prometheus scraped successfully.',
      thresholds: [
        [null, 'red'],
        [1, 'orange'],
        [2, 'green'],
      ],
    }),
  );
  d.withPanel(
    c.stat(
      'Error budget left (30 days)',
      'percentunit',
      [
        {
          expr: `1 - (${errorRatio('service', '', '30d')}) / (1 - 0.999)`,
          legend: '{{service}}',
        },
      ],
      {
        width: 8,
        decimals: 1,
        description:
          'Availability SLO 99.9% over 30 days: the share of the allowed 0.1% failed requests not yet spent.',
        thresholds: [
          [null, 'red'],
          [0.25, 'orange'],
          [0.5, 'green'],
        ],
      },
    ),
  );

  d.withRow(new dashboard.RowBuilder('Requests, errors, duration'));
  d.withPanel(
    c.timeseries('Request rate', 'reqps', [{ expr: requestRate('service'), legend: '{{service}}' }], {
      min: 0,
    }),
  );
  d.withPanel(
    c.timeseries('5xx ratio', 'percentunit', [{ expr: errorRatio('service'), legend: '{{service}}' }], {
      min: 0,
      description: 'Share of requests answered 5xx. The HighErrorRatio alert fires above 5% for 5 minutes.',
    }),
  );
  d.withPanel(
    c.timeseries('p95 latency', 's', [{ expr: latencyQuantile(0.95, 'service'), legend: '{{service}}' }], {
      min: 0,
    }),
  );
  d.withPanel(
    c.timeseries('p99 latency', 's', [{ expr: latencyQuantile(0.99, 'service'), legend: '{{service}}' }], {
      min: 0,
      description: 'Latency SLO: 99% of requests under 500 ms.',
    }),
  );

  d.withRow(new dashboard.RowBuilder('Dependencies'));
  d.withPanel(c.breakerTimeline('Circuit breakers', [EVERY_BREAKER]));
  d.withPanel(
    c.timeseries(
      'Outbound calls by outcome',
      'reqps',
      [
        {
          expr: 'sum by (service, dependency, outcome) (rate(outbound_request_duration_seconds_count[$__rate_interval]))',
          legend: '{{service}} → {{dependency}}: {{outcome}}',
        },
      ],
      { min: 0 },
    ),
  );

  d.withRow(new dashboard.RowBuilder('Saturation'));
  d.withPanel(
    c.timeseries(
      'Database connections in use',
      'none',
      [
        {
          expr: 'sum by (service) (db_pool_connections{state="total"}) - sum by (service) (db_pool_connections{state="idle"})',
          legend: '{{service}} busy',
        },
        { expr: 'sum by (service) (db_pool_connections{state="waiting"})', legend: '{{service}} waiting' },
      ],
      { width: 8, min: 0 },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Event loop lag p99',
      's',
      [{ expr: 'max by (service) (nodejs_eventloop_lag_p99_seconds)', legend: '{{service}}' }],
      {
        width: 8,
        min: 0,
      },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Event consumer lag',
      'none',
      [{ expr: 'max by (source) (event_consumer_lag_events)', legend: '{{source}}' }],
      {
        width: 8,
        min: 0,
        description: 'Outbox events analytics has not applied yet, per producing service.',
      },
    ),
  );
  return { uid: PLATFORM_UID, dashboard: d.build(), queries: c.queries, reqMetric: REQ };
}
