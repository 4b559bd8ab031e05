import type { AutoscaleConfig } from '../config';
import { EventLog } from '../event-log';
import { ServicePool } from '../supervisor/service-pool';
import { desiredReplicas, ScaleDownStabilizer } from './hpa';

export interface AutoscalerLimits {
  min: number;
  max: number;
}

export interface AutoscalerOptions {
  /** Target average in-flight requests per ready replica (the HPA's averageValue). */
  targetInflight: number;
  tolerance: number;
  limits: (service: string) => AutoscalerLimits;
  /** How often a decision is made (the HPA's sync period, 15 s in Kubernetes). */
  syncMs: number;
  /** In-flight is sampled every `sampleMs` and averaged over `metricWindowMs`, as metrics-server does. */
  sampleMs: number;
  metricWindowMs: number;
  scaleDownWindowMs: number;
}

/** The decision settings `make demo`'s flags give, around the HPA's fixed tolerance and sampling. */
export function autoscalerOptions(a: AutoscaleConfig): AutoscalerOptions {
  return {
    targetInflight: a.targetInflight,
    tolerance: 0.1,
    limits: (service) => a.limits[service] ?? { min: a.min, max: a.max },
    syncMs: a.syncMs,
    sampleMs: 250,
    metricWindowMs: a.metricWindowMs,
    scaleDownWindowMs: a.scaleDownWindowMs,
  };
}

/** What the autoscaler changes: the runner adds replicas (ready before traffic) and drains them away. */
export interface Scaler {
  scaleTo(service: string, replicas: number): Promise<void>;
}

interface ServiceState {
  samples: Array<{ at: number; perReplica: number }>;
  stabilizer: ScaleDownStabilizer;
  desired: number;
  observed: number;
  busy: boolean;
}

/**
 * The HPA on one machine: per service, the average number of requests in flight per
 * ready replica (as the edge and the service address see it) against a target.
 * One scaling operation per service at a time; every decision is an event.
 */
export class Autoscaler {
  private readonly state = new Map<string, ServiceState>();
  private sampleTimer?: NodeJS.Timeout;
  private syncTimer?: NodeJS.Timeout;

  constructor(
    private readonly pools: ReadonlyMap<string, ServicePool>,
    private readonly scaler: Scaler,
    private readonly events: EventLog,
    readonly opts: AutoscalerOptions,
  ) {
    for (const pool of pools.values()) {
      this.state.set(pool.name, {
        samples: [],
        stabilizer: new ScaleDownStabilizer(opts.scaleDownWindowMs),
        desired: pool.active.length,
        observed: 0,
        busy: false,
      });
    }
  }

  start(): void {
    this.sampleTimer = setInterval(() => this.sample(), this.opts.sampleMs);
    this.syncTimer = setInterval(() => this.sync(), this.opts.syncMs);
  }

  stop(): void {
    clearInterval(this.sampleTimer);
    clearInterval(this.syncTimer);
  }

  /** Desired replicas and the observed average, for /metrics and /status. */
  view(service: string): { desired: number; observed: number; target: number } | undefined {
    const s = this.state.get(service);
    return s && { desired: s.desired, observed: s.observed, target: this.opts.targetInflight };
  }

  private sample(): void {
    const now = Date.now();
    for (const pool of this.pools.values()) {
      const s = this.state.get(pool.name)!;
      const ready = pool.active.filter((r) => r.routable);
      if (ready.length === 0) continue;
      const inflight = ready.reduce((sum, r) => sum + r.inflight, 0);
      s.samples.push({ at: now, perReplica: inflight / ready.length });
      while (s.samples.length > 0 && s.samples[0].at < now - this.opts.metricWindowMs) s.samples.shift();
    }
  }

  private sync(): void {
    const now = Date.now();
    for (const pool of this.pools.values()) {
      const s = this.state.get(pool.name)!;
      const active = pool.active;
      // A replica still starting (scale-out, restart) has no say yet, and one operation at a time.
      if (s.busy || active.some((r) => r.state === 'starting') || s.samples.length === 0) continue;
      const ready = active.filter((r) => r.routable).length;
      s.observed = s.samples.reduce((sum, x) => sum + x.perReplica, 0) / s.samples.length;
      const { min, max } = this.opts.limits(pool.name);
      const recommended = desiredReplicas({
        current: ready,
        observed: s.observed,
        target: this.opts.targetInflight,
        tolerance: this.opts.tolerance,
        min,
        max,
      });
      const desired = s.stabilizer.stabilize(recommended, active.length, now);
      s.desired = desired;
      if (desired === active.length) continue;
      const detail =
        `${pool.name}: ${active.length} -> ${desired} replicas ` +
        `(in flight per ready replica ${s.observed.toFixed(2)}, target ${this.opts.targetInflight}, ` +
        `recommended ${recommended}, limits ${min}..${max})`;
      this.events.add(
        'scale',
        `autoscaler ${desired > active.length ? 'scales out' : 'scales in'} ${detail}`,
        {
          service: pool.name,
          data: {
            from: active.length,
            to: desired,
            ready,
            observed: s.observed,
            target: this.opts.targetInflight,
            recommended,
            min,
            max,
          },
        },
      );
      s.busy = true;
      // New replicas start with no history: their first samples must not drag the average down.
      s.samples = [];
      this.scaler
        .scaleTo(pool.name, desired)
        .catch((err: unknown) =>
          this.events.add('scale', `scaling ${pool.name} to ${desired} failed: ${(err as Error).message}`, {
            service: pool.name,
          }),
        )
        .finally(() => {
          s.busy = false;
        });
    }
  }
}
