import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { baseDashboard, promAnnotation, QueryCatalogue } from './panels';
import { errorRatio, latencyQuantile, REQ, EVERY_BREAKER } from './promql';

export const CHAOS_UID = 'ha-shop-chaos';

/**
 * Seconds in the range during which a service answered more than 1% 5xx, sampled at the
 * panel's interval (Grafana's `$__interval`, so a 30-day range stays cheap).
 */
const degraded = (window: string) =>
  `sum_over_time(((${errorRatio('service', '', '1m')}) > bool 0.01)[${window}:$__interval]) * $__interval_ms / 1000`;

/**
 * What a chaos experiment did to users: errors and latency around the injected faults
 * (annotations mark restarts, breakers opening and scrape failures), and how long each
 * service took to recover.
 */
export function chaos() {
  const c = new QueryCatalogue(CHAOS_UID);
  const d = baseDashboard(
    CHAOS_UID,
    'ha-shop / Chaos',
    'Errors, latency and recovery of every service around failures.',
  )
    .time({ from: 'now-30m', to: 'now' })
    .refresh('10s')
    .annotation(
      promAnnotation(
        c,
        'Process restarted',
        'changes(process_start_time_seconds[1m]) > 0',
        'orange',
        '{{service}} {{instance}} restarted',
      ),
    )
    .annotation(
      promAnnotation(c, 'Scrape failed', 'up{service!=""} == 0', 'red', '{{service}} {{instance}} down'),
    )
    .annotation(
      promAnnotation(
        c,
        'Breaker opened',
        'sum by (service, dependency) (increase(circuit_breaker_transitions_total{to="open"}[1m])) > 0',
        'purple',
        '{{service}} → {{dependency}} breaker opened',
      ),
    );

  d.withRow(new dashboard.RowBuilder('Impact'));
  d.withPanel(
    c.timeseries(
      '5xx ratio',
      'percentunit',
      [{ expr: errorRatio('service', '', '1m'), legend: '{{service}}' }],
      {
        min: 0,
        description: 'Fixed 1m window so short faults stay visible at any zoom.',
      },
    ),
  );
  d.withPanel(
    c.timeseries(
      'p99 latency',
      's',
      [{ expr: latencyQuantile(0.99, 'service', '', '1m'), legend: '{{service}}' }],
      { min: 0 },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Replicas up',
      'none',
      [{ expr: 'sum by (service) (up{service!=""})', legend: '{{service}}' }],
      { min: 0 },
    ),
  );
  d.withPanel(c.breakerTimeline('Circuit breakers', [EVERY_BREAKER]));
  d.withPanel(
    c.timeseries(
      'Outbound failures',
      'ops',
      [
        {
          expr: 'sum by (service, dependency, outcome) (rate(outbound_request_duration_seconds_count{outcome!~"success|client_error"}[1m]))',
          legend: '{{service}} → {{dependency}}: {{outcome}}',
          data: 'optional',
        },
      ],
      { min: 0, description: 'Timeouts, open breakers, full bulkheads, network and server errors.' },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Orders by state entered',
      'ops',
      [{ expr: 'sum by (status) (rate(shop_orders_total[1m]))', legend: '{{status}}' }],
      {
        min: 0,
        description:
          'During a payment outage orders stay pending and are retried; cancellations show what could not be saved.',
      },
    ),
  );

  d.withRow(new dashboard.RowBuilder('Recovery (selected range)'));
  d.withPanel(
    c.stat(
      'Failed requests',
      'none',
      [
        {
          expr: `sum by (service) (increase(${REQ}_count{status_code=~"5.."}[$__range]))`,
          legend: '{{service}}',
        },
      ],
      {
        width: 8,
        decimals: 0,
      },
    ),
  );
  d.withPanel(
    c.stat('Degraded time (> 1% 5xx)', 's', [{ expr: degraded('$__range'), legend: '{{service}}' }], {
      width: 8,
      description:
        'Seconds during which the service answered more than 1% 5xx: the time to recover, summed over the range.',
    }),
  );
  d.withPanel(
    c.stat(
      'Since last degradation',
      's',
      [
        {
          expr: `time() - max by (service) (max_over_time(timestamp((${errorRatio('service', '', '1m')}) > 0.01)[$__range:$__interval]))`,
          legend: '{{service}}',
          data: 'optional',
        },
      ],
      {
        width: 8,
        description:
          'Seconds since the service last answered more than 1% 5xx (empty: not degraded in the range).',
      },
    ),
  );
  return { uid: CHAOS_UID, dashboard: d.build(), queries: c.queries };
}
