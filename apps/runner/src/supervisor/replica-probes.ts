import { EventLog } from '../event-log';
import { probe } from '../probes';
import type { ReplicaState } from './replica';

export interface ProbeTiming {
  probeIntervalMs: number;
  livenessPeriodMs: number;
  livenessFailureThreshold: number;
  startupTimeoutMs: number;
  /** Readiness failures in a row before traffic stops (one success brings it back). */
  readinessFailureThreshold: number;
}

export interface ProbeOptions {
  replica: string;
  service: string;
  origin: string;
  livePath: string;
  readyPath: string;
  timing: ProbeTiming;
  events: EventLog;
}

/** How the probe loops see and change their replica, without reaching into it. */
export interface ProbedReplica {
  /** False once the process a loop was started for is gone (restarted) or stopping. */
  isCurrent(generation: number): boolean;
  state(): ReplicaState;
  startedAt(): number | undefined;
  /** Liveness answered (true) or failed (false); the first answer ends startup. */
  setLive(live: boolean): void;
  setReady(ready: boolean, why?: string): void;
  kill(reason: string): void;
  changed(): void;
}

/**
 * Liveness (with startup) and readiness of one replica, as Kubernetes probes them: a replica
 * that stops answering liveness is killed, one that fails readiness stops getting traffic.
 * One loop pair per process, told apart by its generation.
 */
export class ReplicaProbes {
  private liveFailures = 0;
  private readyFailures = 0;
  private livenessTimer?: NodeJS.Timeout;
  private readinessTimer?: NodeJS.Timeout;

  constructor(
    private readonly opts: ProbeOptions,
    private readonly replica: ProbedReplica,
  ) {}

  /** A new process: probes start over, first liveness shortly after spawning. */
  start(generation: number): void {
    this.liveFailures = 0;
    this.readyFailures = 0;
    this.scheduleLiveness(generation, 300);
  }

  stop(): void {
    clearTimeout(this.livenessTimer);
    clearTimeout(this.readinessTimer);
    this.livenessTimer = undefined;
    this.readinessTimer = undefined;
  }

  private scheduleLiveness(generation: number, delayMs: number): void {
    clearTimeout(this.livenessTimer);
    this.livenessTimer = setTimeout(() => void this.liveness(generation), delayMs);
  }

  private async liveness(generation: number): Promise<void> {
    const t = this.opts.timing;
    const r = this.replica;
    if (!r.isCurrent(generation)) return;
    const starting = r.state() === 'starting';
    const live = await probe(this.opts.origin + this.opts.livePath, starting ? 1000 : 1500);
    if (!r.isCurrent(generation)) return;
    if (live.ok) {
      this.liveFailures = 0;
      r.setLive(true);
      if (starting) void this.readiness(generation);
    } else if (starting) {
      if (Date.now() - (r.startedAt() ?? 0) > t.startupTimeoutMs) {
        r.kill(`not live within ${Math.round(t.startupTimeoutMs / 1000)} s of starting`);
        return;
      }
    } else {
      this.liveFailures += 1;
      r.setLive(false);
      if (this.liveFailures >= t.livenessFailureThreshold) {
        this.opts.events.add(
          'replica-killed',
          `${this.opts.replica} failed liveness ${this.liveFailures} times in a row: SIGKILL`,
          { service: this.opts.service, replica: this.opts.replica },
        );
        r.kill(`liveness failed ${this.liveFailures} times (${live.error})`);
        return;
      }
    }
    r.changed();
    this.scheduleLiveness(generation, r.state() === 'starting' ? 300 : t.livenessPeriodMs);
  }

  private async readiness(generation: number): Promise<void> {
    const t = this.opts.timing;
    const r = this.replica;
    if (!r.isCurrent(generation) || r.state() !== 'running') return;
    const begun = Date.now();
    const ready = await probe(this.opts.origin + this.opts.readyPath, Math.min(1000, t.probeIntervalMs));
    if (!r.isCurrent(generation)) return;
    if (ready.ok) {
      this.readyFailures = 0;
      r.setReady(true);
    } else {
      this.readyFailures += 1;
      if (this.readyFailures >= t.readinessFailureThreshold) r.setReady(false, ready.error);
    }
    r.changed();
    clearTimeout(this.readinessTimer);
    // Period between probe starts, so a hanging replica is not probed less often.
    const wait = Math.max(100, t.probeIntervalMs - (Date.now() - begun));
    this.readinessTimer = setTimeout(() => void this.readiness(generation), wait);
  }
}
