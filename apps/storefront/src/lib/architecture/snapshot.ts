import type { Kpis } from '../bff/types';

/** One replica as the dashboard draws it, whatever the source (runner processes or pods). */
export interface ReplicaView {
  id: string;
  state: string;
  ready: boolean;
  live: boolean;
  restarts: number;
  pid?: number | null;
  served?: number;
  uptimeSeconds?: number;
}

export interface ServiceView {
  name: string;
  state: string;
  reason?: string;
  replicasDesired: number;
  replicasReady: number;
  replicas: ReplicaView[];
  /** Breaker state per dependency this service calls, from its /health/details; null if unknown. */
  breakers: Record<string, string> | null;
  faults?: Record<string, number>;
  metrics?: ServiceMetrics;
}

export interface ServiceMetrics {
  requestsPerSecond: number | null;
  errorRatio: number | null;
  p95Seconds: number | null;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  kind: string;
  service?: string;
  replica?: string;
  message: string;
}

/** One recent trace, by its root span (from Jaeger). */
export interface TraceView {
  traceId: string;
  rootService: string;
  operation: string;
  startedAt: string;
  durationMs: number;
  spans: number;
  services: string[];
  error: boolean;
  url: string;
}

/** Everything /architecture shows, from one source at one moment. */
export interface ArchitectureSnapshot {
  source: string;
  at: string;
  phase: string;
  edge: string | null;
  database: { state: string; restarts: number } | null;
  services: ServiceView[];
  storefront: ReplicaView | null;
  storefrontBreakers: Record<string, string>;
  /** null: analytics unavailable. */
  kpis: Kpis | null;
  /** Why rate/error/p95 are missing, when they are. */
  metricsNote: string | null;
  timeline: TimelineEntry[];
  traces: TraceView[];
  /** Why traces are missing, when they are. */
  tracesNote: string | null;
  chaosAvailable: boolean;
}

/** A place the dashboard reads the platform from, chosen by ARCHITECTURE_SOURCE. */
export interface ArchitectureSource {
  readonly name: string;
  /** `viewerToken`: the signed-in admin's access token, for APIs that need one (KPIs). */
  snapshot(viewerToken?: string): Promise<ArchitectureSnapshot>;
}
