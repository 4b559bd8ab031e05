import { kpis } from '../bff/shop';
import { storefrontBreakers } from '../bff/api-client';
import { recentTraces } from './jaeger';
import { prometheusMetrics } from './prometheus';
import type {
  ArchitectureSnapshot,
  ArchitectureSource,
  ReplicaView,
  ServiceView,
  TimelineEntry,
} from './snapshot';

interface RunnerReplica extends ReplicaView {
  port: number;
}

interface RunnerStatus {
  phase: string;
  urls: { edge: string | null; jaeger?: string | null };
  postgres: { state: string; restarts: number };
  services: Array<{
    name: string;
    state: 'running' | 'skipped';
    reason?: string;
    address?: string | null;
    replicasReady?: number;
    replicasDesired?: number;
    faults?: Record<string, number>;
    replicas: RunnerReplica[];
  }>;
  storefront: RunnerReplica | null;
}

// Events worth a line on the timeline: what chaos did and how the platform answered.
const TIMELINE_KINDS = new Set([
  'chaos',
  'fault',
  'replica-killed',
  'replica-exited',
  'replica-restart-scheduled',
  'replica-ready',
  'replica-unready',
  'ejected',
  'readmitted',
  'postgres',
  'scale',
  'alert',
]);

const jsonGet = async <T>(url: string, timeoutMs: number): Promise<T> => {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), cache: 'no-store' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
};

/** Breaker states a service reports at /health/details (through its loopback address). */
async function breakersOf(address: string | null | undefined): Promise<Record<string, string> | null> {
  if (!address) return null;
  try {
    const details = await jsonGet<{ dependencies?: Record<string, { state: string }> }>(
      `${address}/health/details`,
      1_000,
    );
    return Object.fromEntries(Object.entries(details.dependencies ?? {}).map(([dep, s]) => [dep, s.state]));
  } catch {
    return null;
  }
}

/** Request rates from the runner's per-replica `served` counters, between two snapshots. */
const rates = globalThis as typeof globalThis & {
  __haShopServed?: { at: number; served: Map<string, number> };
};

function requestRates(status: RunnerStatus, now: number): Map<string, number | null> {
  const served = new Map(
    status.services.map((s) => [s.name, s.replicas.reduce((n, r) => n + (r.served ?? 0), 0)]),
  );
  const previous = rates.__haShopServed;
  rates.__haShopServed = { at: now, served };
  const out = new Map<string, number | null>();
  for (const [name, count] of served) {
    const before = previous?.served.get(name);
    const seconds = previous ? (now - previous.at) / 1000 : 0;
    out.set(
      name,
      before !== undefined && seconds > 0.5 && count >= before ? (count - before) / seconds : null,
    );
  }
  return out;
}

/** On one machine: the runner's status API (`RUNNER_STATUS_URL`), plus Prometheus when configured. */
export class RunnerSource implements ArchitectureSource {
  readonly name = 'runner';

  constructor(
    private readonly statusUrl: string,
    private readonly prometheusUrl: string | undefined,
    /** Jaeger's query API; by default the one the runner started (its status says where). */
    private readonly jaegerUrl?: string,
  ) {}

  async snapshot(viewerToken?: string): Promise<ArchitectureSnapshot> {
    const now = Date.now();
    const [status, events, kpiResult, prom] = await Promise.all([
      jsonGet<RunnerStatus>(`${this.statusUrl}/status`, 2_000),
      jsonGet<{ events: TimelineEntry[] }>(`${this.statusUrl}/events?limit=500`, 2_000).catch(() => ({
        events: [],
      })),
      kpis(viewerToken, '1h'),
      prometheusMetrics(this.prometheusUrl),
    ]);
    const [breakers, traces] = await Promise.all([
      Promise.all(status.services.map((s) => breakersOf(s.address))),
      recentTraces(
        this.jaegerUrl ?? status.urls.jaeger,
        status.services.filter((s) => s.state === 'running').map((s) => s.name),
      ),
    ]);
    const local = requestRates(status, now);
    const services: ServiceView[] = status.services.map((s, i) => {
      const fromProm = prom.metrics.get(s.name);
      return {
        name: s.name,
        state: s.state,
        reason: s.reason,
        replicasDesired: s.replicasDesired ?? s.replicas.length,
        replicasReady: s.replicasReady ?? s.replicas.filter((r) => r.ready).length,
        replicas: s.replicas.map(replicaView),
        breakers: breakers[i],
        faults: s.faults,
        metrics: {
          requestsPerSecond: fromProm?.requestsPerSecond ?? local.get(s.name) ?? null,
          errorRatio: fromProm?.errorRatio ?? null,
          p95Seconds: fromProm?.p95Seconds ?? null,
        },
      };
    });
    return {
      source: this.name,
      at: new Date(now).toISOString(),
      phase: status.phase,
      edge: status.urls.edge,
      database: { state: status.postgres.state, restarts: status.postgres.restarts },
      services,
      storefront: status.storefront ? replicaView(status.storefront) : null,
      storefrontBreakers: Object.fromEntries(
        Object.entries(storefrontBreakers()).map(([dep, s]) => [dep, s.state]),
      ),
      kpis: kpiResult.ok ? kpiResult.body : null,
      metricsNote: prom.note,
      timeline: events.events
        .filter((e) => TIMELINE_KINDS.has(e.kind))
        .slice(-30)
        .reverse()
        .map(({ seq, at, kind, service, replica, message }) => ({
          seq,
          at,
          kind,
          service,
          replica,
          message,
        })),
      traces: traces.traces,
      tracesNote: traces.note,
      chaosAvailable: true,
    };
  }
}

function replicaView(r: RunnerReplica): ReplicaView {
  return {
    id: r.id,
    state: r.state,
    ready: r.ready,
    live: r.live,
    restarts: r.restarts,
    pid: r.pid,
    served: r.served,
    uptimeSeconds: r.uptimeSeconds,
  };
}
