import type { ServiceMetrics } from './snapshot';

const WINDOW = '5m';

const QUERIES = {
  requestsPerSecond: `sum by (service) (rate(http_server_request_duration_seconds_count[${WINDOW}]))`,
  errorRatio: `sum by (service) (rate(http_server_request_duration_seconds_count{status_code=~"5.."}[${WINDOW}])) / sum by (service) (rate(http_server_request_duration_seconds_count[${WINDOW}]))`,
  p95Seconds: `histogram_quantile(0.95, sum by (service, le) (rate(http_server_request_duration_seconds_bucket[${WINDOW}])))`,
} as const;

export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

interface VectorResult {
  status: string;
  data?: { resultType: string; result: VectorSample[] };
}

/** One instant query against Prometheus' HTTP API; throws when Prometheus does not answer. */
export async function instantQuery(baseUrl: string, query: string): Promise<VectorSample[]> {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v1/query?${new URLSearchParams({ query })}`;
  // Next 15+ caches no fetch unless asked to, so no `cache` option is needed (nor typed outside Next).
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return ((await res.json()) as VectorResult).data?.result ?? [];
}

/**
 * Request rate, error ratio and p95 per service over the last minutes, from Prometheus' HTTP
 * API (`PROMETHEUS_URL`). Optional: without it the dashboard says where the numbers would come from.
 */
export async function prometheusMetrics(
  baseUrl: string | undefined,
): Promise<{ metrics: Map<string, ServiceMetrics>; note: string | null }> {
  const metrics = new Map<string, ServiceMetrics>();
  if (!baseUrl) return { metrics, note: 'Prometheus not configured (set PROMETHEUS_URL)' };
  try {
    const entries = await Promise.all(
      Object.entries(QUERIES).map(
        async ([field, query]) =>
          [field as keyof ServiceMetrics, await instantQuery(baseUrl, query)] as const,
      ),
    );
    for (const [field, result] of entries) {
      for (const r of result) {
        const service = r.metric.service ?? r.metric.job;
        if (!service) continue;
        const value = Number(r.value[1]);
        const m = metrics.get(service) ?? { requestsPerSecond: null, errorRatio: null, p95Seconds: null };
        m[field] = Number.isFinite(value) ? value : null;
        metrics.set(service, m);
      }
    }
    return { metrics, note: null };
  } catch (err) {
    return { metrics, note: `Prometheus unavailable (${(err as Error).message})` };
  }
}
