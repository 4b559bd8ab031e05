import type { TraceView } from './snapshot';

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: Array<{ refType: string; spanID: string }>;
  startTime: number;
  duration: number;
  processID: string;
  tags?: Array<{ key: string; value: unknown }>;
}

interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

const LIMIT = 10;

const failed = (s: JaegerSpan) =>
  (s.tags ?? []).some(
    (t) =>
      (t.key === 'error' && t.value === true) ||
      (t.key === 'otel.status_code' && t.value === 'ERROR') ||
      (t.key === 'http.response.status_code' && Number(t.value) >= 500),
  );

function traceView(t: JaegerTrace, uiBase: string): TraceView | null {
  const ids = new Set(t.spans.map((s) => s.spanID));
  // The root: the span without a parent in this trace (the earliest, if the trace is partial).
  const root =
    t.spans.find((s) => !(s.references ?? []).some((r) => r.refType === 'CHILD_OF' && ids.has(r.spanID))) ??
    t.spans[0];
  if (!root) return null;
  const end = Math.max(...t.spans.map((s) => s.startTime + s.duration));
  const start = Math.min(...t.spans.map((s) => s.startTime));
  return {
    traceId: t.traceID,
    rootService: t.processes[root.processID]?.serviceName ?? 'unknown',
    operation: root.operationName,
    startedAt: new Date(start / 1000).toISOString(),
    durationMs: (end - start) / 1000,
    spans: t.spans.length,
    services: [...new Set(t.spans.map((s) => t.processes[s.processID]?.serviceName ?? 'unknown'))].sort(),
    error: t.spans.some(failed),
    url: `${uiBase}/trace/${t.traceID}`,
  };
}

/**
 * The newest traces across the given services from Jaeger's HTTP query API (`/api/traces`,
 * which asks for one service at a time), newest first. Optional like Prometheus: without a
 * URL, or when Jaeger does not answer, the dashboard says so.
 */
export async function recentTraces(
  baseUrl: string | null | undefined,
  services: string[],
): Promise<{ traces: TraceView[]; note: string | null }> {
  if (!baseUrl) return { traces: [], note: 'Jaeger not configured' };
  const base = baseUrl.replace(/\/+$/, '');
  try {
    const bodies = await Promise.all(
      services.map(async (service) => {
        const query = new URLSearchParams({ service, limit: String(LIMIT), lookback: '15m' });
        // Route handlers are dynamic (never cached by Next), so no `cache` option is needed.
        const res = await fetch(`${base}/api/traces?${query}`, { signal: AbortSignal.timeout(2_000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return ((await res.json()) as { data?: JaegerTrace[] }).data ?? [];
      }),
    );
    const byId = new Map<string, TraceView>();
    for (const t of bodies.flat()) {
      const view = traceView(t, base);
      if (view) byId.set(view.traceId, view);
    }
    const traces = [...byId.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, LIMIT);
    return { traces, note: traces.length ? null : 'no traces in the last 15 minutes' };
  } catch (err) {
    return { traces: [], note: `Jaeger unavailable (${(err as Error).message})` };
  }
}
