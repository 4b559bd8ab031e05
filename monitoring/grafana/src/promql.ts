// PromQL shared by the dashboards. `service` is the target label every scrape config sets
// (see docs/observability.md); `$__rate_interval` and `$__range` are Grafana's.

export const REQ = 'http_server_request_duration_seconds';

/** Selector fragment (`{...}` contents) for a service variable, or none. */
export function sel(...parts: Array<string | undefined>): string {
  const s = parts.filter((p): p is string => !!p && p !== '').join(', ');
  return s === '' ? '' : `{${s}}`;
}

export function requestRate(by: string, filter = '', window = '$__rate_interval'): string {
  return `sum by (${by}) (rate(${REQ}_count${sel(filter)}[${window}]))`;
}

/** 5xx share; 0 (not absent) for a group that had traffic but no 5xx. */
export function errorRatio(by: string, filter = '', window = '$__rate_interval'): string {
  const errors = `sum by (${by}) (rate(${REQ}_count${sel(filter, 'status_code=~"5.."')}[${window}]))`;
  const all = requestRate(by, filter, window);
  return `(${errors} or ${all} * 0) / ${all}`;
}

export function latencyQuantile(q: number, by: string, filter = '', window = '$__rate_interval'): string {
  const byLe = by === '' ? 'le' : `${by}, le`;
  return `histogram_quantile(${q}, sum by (${byLe}) (rate(${REQ}_bucket${sel(filter)}[${window}])))`;
}

/** Share of requests slower than the 500 ms latency SLO threshold. */
export function slowRatio(by: string, filter = '', window = '$__rate_interval'): string {
  const fast = `sum by (${by}) (rate(${REQ}_bucket${sel(filter, 'le="0.5"')}[${window}]))`;
  return `1 - ${fast} / ${requestRate(by, filter, window)}`;
}

export const AVAILABILITY_SLO = 0.999;
export const LATENCY_SLO = 0.99;

/** Every breaker's state, one series per service and dependency (the platform and chaos boards). */
export const EVERY_BREAKER = {
  expr: 'max by (service, dependency) (circuit_breaker_state)',
  legend: '{{service}} → {{dependency}}',
};
