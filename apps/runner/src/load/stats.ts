/** One logical client request (after the client's own retries, if any). */
export interface RequestRecord {
  route: string;
  idempotent: boolean;
  status: number;
  ok: boolean;
  failed: boolean;
  latencyMs: number;
  attempts: number;
  servedBy?: string;
  error?: string;
}

export interface PhaseSummary {
  phase: string;
  requests: number;
  failed: number;
  errorRatio: number;
  idempotentRequests: number;
  idempotentFailed: number;
  idempotentErrorRatio: number;
  /** Requests the client retried (503 + Retry-After, 409 in progress, connection errors). */
  retried: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  ordersAccepted: number;
  byRoute: Record<string, { requests: number; failed: number }>;
  servedBy: Record<string, number>;
  /** A few failures, for the report. */
  failures: Array<{ route: string; status: number; error?: string }>;
}

class PhaseStats {
  requests = 0;
  failed = 0;
  idempotentRequests = 0;
  idempotentFailed = 0;
  retried = 0;
  ordersAccepted = 0;
  latencies: number[] = [];
  byRoute = new Map<string, { requests: number; failed: number }>();
  servedBy = new Map<string, number>();
  failures: Array<{ route: string; status: number; error?: string }> = [];
}

/** Counts and latencies per phase (the scenario switches phases while clients run). */
export class LoadStats {
  private readonly phases = new Map<string, PhaseStats>();

  record(phase: string, r: RequestRecord): void {
    let p = this.phases.get(phase);
    if (!p) this.phases.set(phase, (p = new PhaseStats()));
    p.requests += 1;
    p.latencies.push(r.latencyMs);
    if (r.attempts > 1) p.retried += 1;
    if (r.idempotent) p.idempotentRequests += 1;
    const route = p.byRoute.get(r.route) ?? { requests: 0, failed: 0 };
    route.requests += 1;
    if (r.failed) {
      p.failed += 1;
      route.failed += 1;
      if (r.idempotent) p.idempotentFailed += 1;
      if (p.failures.length < 10) p.failures.push({ route: r.route, status: r.status, error: r.error });
    }
    p.byRoute.set(r.route, route);
    if (r.servedBy) p.servedBy.set(r.servedBy, (p.servedBy.get(r.servedBy) ?? 0) + 1);
  }

  orderAccepted(phase: string): void {
    let p = this.phases.get(phase);
    if (!p) this.phases.set(phase, (p = new PhaseStats()));
    p.ordersAccepted += 1;
  }

  summary(phase: string): PhaseSummary {
    const p = this.phases.get(phase) ?? new PhaseStats();
    const sorted = Float64Array.from(p.latencies).sort();
    return {
      phase,
      requests: p.requests,
      failed: p.failed,
      errorRatio: p.requests ? p.failed / p.requests : 0,
      idempotentRequests: p.idempotentRequests,
      idempotentFailed: p.idempotentFailed,
      idempotentErrorRatio: p.idempotentRequests ? p.idempotentFailed / p.idempotentRequests : 0,
      retried: p.retried,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      p99Ms: percentile(sorted, 0.99),
      ordersAccepted: p.ordersAccepted,
      byRoute: Object.fromEntries([...p.byRoute].map(([k, v]) => [k, { ...v }])),
      servedBy: Object.fromEntries(p.servedBy),
      failures: [...p.failures],
    };
  }

  phaseNames(): string[] {
    return [...this.phases.keys()];
  }
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round(sorted[rank]);
}
