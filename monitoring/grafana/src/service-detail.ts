// Over 250 lines: one dashboard's panels in the order Grafana lays them out, row by row; split, the layout no longer reads top to bottom.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { baseDashboard, DATASOURCE, QueryCatalogue } from './panels';
import { errorRatio, latencyQuantile, requestRate, slowRatio } from './promql';

export const SERVICE_UID = 'ha-shop-service';

const S = 'service="$service"';

/** Everything about one service (picked with the `service` variable). */
export function serviceDetail() {
  const c = new QueryCatalogue(SERVICE_UID);
  const d = baseDashboard(
    SERVICE_UID,
    'ha-shop / Service',
    'RED by route, SLO burn, dependencies, database pool, outbox and process metrics of one service.',
  ).withVariable(
    new dashboard.QueryVariableBuilder('service')
      .label('Service')
      .datasource(DATASOURCE)
      .query('label_values(http_server_request_duration_seconds_count, service)')
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc),
  );

  d.withRow(new dashboard.RowBuilder('Golden signals'));
  d.withPanel(
    c.stat('Requests', 'reqps', [
      { expr: `sum(rate(http_server_request_duration_seconds_count{${S}}[$__rate_interval]))` },
    ]),
  );
  d.withPanel(
    c.stat('5xx ratio', 'percentunit', [{ expr: errorRatio('service', S) }], {
      decimals: 2,
      thresholds: [
        [null, 'green'],
        [0.001, 'orange'],
        [0.05, 'red'],
      ],
    }),
  );
  d.withPanel(
    c.stat('p99 latency', 's', [{ expr: latencyQuantile(0.99, '', S) }], {
      thresholds: [
        [null, 'green'],
        [0.25, 'orange'],
        [0.5, 'red'],
      ],
    }),
  );
  d.withPanel(c.stat('Replicas up', 'none', [{ expr: `sum(up{${S}})` }]));

  d.withRow(new dashboard.RowBuilder('By route'));
  d.withPanel(
    c.timeseries(
      'Requests by route and status',
      'reqps',
      [
        {
          expr: requestRate('method, route, status_code', S),
          legend: '{{method}} {{route}} {{status_code}}',
        },
      ],
      { min: 0 },
    ),
  );
  d.withPanel(
    c.timeseries(
      '5xx ratio by route',
      'percentunit',
      [{ expr: errorRatio('route', S), legend: '{{route}}' }],
      { min: 0 },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Latency by route (p50 / p99)',
      's',
      [
        { expr: latencyQuantile(0.5, 'route', S), legend: 'p50 {{route}}' },
        { expr: latencyQuantile(0.99, 'route', S), legend: 'p99 {{route}}' },
      ],
      { min: 0 },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Requests slower than 500 ms',
      'percentunit',
      [{ expr: slowRatio('service', S), legend: 'slow share' }],
      {
        min: 0,
        description: 'Latency SLI: the SLO allows 1% of requests above 500 ms.',
      },
    ),
  );

  d.withRow(new dashboard.RowBuilder('SLO burn rate (1 = spending the 30-day budget exactly)'));
  d.withPanel(
    c.timeseries(
      'Availability burn rate',
      'none',
      [
        { expr: `service:http_error_ratio:rate5m{${S}} / 0.001`, legend: '5m' },
        { expr: `service:http_error_ratio:rate1h{${S}} / 0.001`, legend: '1h' },
        { expr: `service:http_error_ratio:rate6h{${S}} / 0.001`, legend: '6h' },
      ],
      {
        min: 0,
        description: 'Pages at 14.4 (1h and 5m), tickets at 6 (6h and 30m). Needs the recording rules.',
      },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Latency burn rate',
      'none',
      [
        { expr: `service:http_slow_ratio:rate5m{${S}} / 0.01`, legend: '5m' },
        { expr: `service:http_slow_ratio:rate1h{${S}} / 0.01`, legend: '1h' },
        { expr: `service:http_slow_ratio:rate6h{${S}} / 0.01`, legend: '6h' },
      ],
      {
        min: 0,
        description: 'Pages at 14.4 (1h and 5m), tickets at 6 (6h and 30m). Needs the recording rules.',
      },
    ),
  );

  d.withRow(new dashboard.RowBuilder('Dependencies'));
  d.withPanel(
    c.breakerTimeline(
      'Circuit breakers',
      [{ expr: `max by (dependency) (circuit_breaker_state{${S}})`, legend: '{{dependency}}' }],
      { width: 8 },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Outbound calls',
      'reqps',
      [
        {
          expr: `sum by (dependency, outcome) (rate(outbound_request_duration_seconds_count{${S}}[$__rate_interval]))`,
          legend: '{{dependency}} {{outcome}}',
        },
      ],
      { width: 8, min: 0 },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Outbound p99 latency',
      's',
      [
        {
          expr: `histogram_quantile(0.99, sum by (dependency, le) (rate(outbound_request_duration_seconds_bucket{${S}}[$__rate_interval])))`,
          legend: '{{dependency}}',
        },
      ],
      { width: 8, min: 0 },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Retries, timeouts, rejections',
      'ops',
      [
        {
          expr: `sum by (dependency) (rate(resilience_retries_total{${S}}[$__rate_interval]))`,
          legend: 'retries {{dependency}}',
        },
        {
          expr: `sum by (dependency) (rate(resilience_timeouts_total{${S}}[$__rate_interval]))`,
          legend: 'timeouts {{dependency}}',
        },
        {
          expr: `sum by (dependency) (rate(resilience_bulkhead_rejections_total{${S}}[$__rate_interval]))`,
          legend: 'bulkhead full {{dependency}}',
        },
      ],
      { width: 24, min: 0 },
    ),
  );

  d.withRow(new dashboard.RowBuilder('Database and outbox'));
  d.withPanel(
    c.timeseries(
      'Database pool',
      'none',
      [
        { expr: `sum by (state) (db_pool_connections{${S}})`, legend: '{{state}}' },
        { expr: `sum(db_pool_max_connections{${S}})`, legend: 'max' },
      ],
      { width: 12, min: 0 },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Outbox head',
      'none',
      [{ expr: `max by (source) (outbox_head_seq{${S}})`, legend: '{{source}}' }],
      {
        width: 12,
        min: 0,
        description: 'Newest event sequence number in this service outbox; consumers lag behind it.',
      },
    ),
  );

  d.withRow(new dashboard.RowBuilder('Process'));
  d.withPanel(
    c.timeseries(
      'CPU',
      'percentunit',
      [
        {
          expr: `sum by (instance) (rate(process_cpu_seconds_total{${S}}[$__rate_interval]))`,
          legend: '{{instance}}',
        },
      ],
      {
        width: 6,
        min: 0,
      },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Memory',
      'bytes',
      [
        { expr: `sum by (instance) (process_resident_memory_bytes{${S}})`, legend: 'rss {{instance}}' },
        { expr: `sum by (instance) (nodejs_heap_size_used_bytes{${S}})`, legend: 'heap {{instance}}' },
      ],
      { width: 6, min: 0 },
    ),
  );
  d.withPanel(
    c.timeseries(
      'Event loop lag p99',
      's',
      [{ expr: `max by (instance) (nodejs_eventloop_lag_p99_seconds{${S}})`, legend: '{{instance}}' }],
      {
        width: 6,
        min: 0,
      },
    ),
  );
  d.withPanel(
    c.timeseries(
      'GC time',
      'percentunit',
      [
        {
          expr: `sum by (instance) (rate(nodejs_gc_duration_seconds_sum{${S}}[$__rate_interval]))`,
          legend: '{{instance}}',
        },
      ],
      {
        width: 6,
        min: 0,
      },
    ),
  );
  return { uid: SERVICE_UID, dashboard: d.build(), queries: c.queries };
}
