// Over 250 lines: one process state machine (spawn, exit, backoff restart, stop) plus the wiring of its probes, ejection and freeze.
import { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { ReplicaFreeze } from '../chaos/replica-freeze';
import { PassiveEjection } from '../edge/passive-ejection';
import { EventLog } from '../event-log';
import { BackoffPolicy } from './backoff';
import { exitReason, spawnReplicaProcess } from './replica-process';
import { ProbeTiming, ReplicaProbes } from './replica-probes';

export type ReplicaState = 'pending' | 'starting' | 'running' | 'backoff' | 'stopping' | 'stopped';

export interface ReplicaCommand {
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface ReplicaTiming extends ProbeTiming {
  /** Minimum time a passively ejected replica stays out, even if its readiness answers. */
  minEjectionMs: number;
  ejectAfterFailures: number;
}

export interface ReplicaOptions {
  id: string;
  service: string;
  port: number;
  command: ReplicaCommand;
  logFile: string;
  timing: ReplicaTiming;
  events: EventLog;
  readyPath?: string;
  livePath?: string;
}

export interface ExitRecord {
  at: string;
  code: number | null;
  signal: string | null;
  reason: string;
}

/**
 * One supervised process: spawned (supervisor/replica-process.ts), restarted with capped
 * exponential backoff when it exits, stopped gracefully. Its probes (supervisor/replica-probes.ts), the edge's
 * passive ejection (edge/passive-ejection.ts) and chaos's freeze (chaos/replica-freeze.ts)
 * each keep their own state; this class owns the process.
 */
export class Replica extends EventEmitter {
  state: ReplicaState = 'pending';
  pid?: number;
  ready = false;
  live = false;
  restarts = 0;
  startedAt?: number;
  readyAt?: number;
  lastExit?: ExitRecord;
  /** The edge reports each request's fate here; ejection and in-flight counts follow from it. */
  readonly traffic: PassiveEjection;

  private child?: ChildProcess;
  private generation = 0;
  private desired = false;
  private pendingReason?: string;
  private restartTimer?: NodeJS.Timeout;
  private readonly backoff = new BackoffPolicy();
  private readonly probes: ReplicaProbes;
  private readonly freezer: ReplicaFreeze;

  constructor(readonly opts: ReplicaOptions) {
    super();
    const named = { replica: opts.id, service: opts.service, events: opts.events };
    this.traffic = new PassiveEjection({
      ...named,
      ejectAfterFailures: opts.timing.ejectAfterFailures,
      minEjectionMs: opts.timing.minEjectionMs,
      onEject: () => this.emit('change'),
    });
    this.freezer = new ReplicaFreeze({ ...named, signal: (sig) => this.signal(sig) });
    this.probes = new ReplicaProbes(
      {
        ...named,
        origin: this.origin,
        livePath: opts.livePath ?? '/health/live',
        readyPath: opts.readyPath ?? '/health/ready',
        timing: opts.timing,
      },
      {
        isCurrent: (generation) =>
          generation === this.generation && this.child !== undefined && this.state !== 'stopping',
        state: () => this.state,
        startedAt: () => this.startedAt,
        setLive: (live) => {
          this.live = live;
          if (live && this.state === 'starting') this.state = 'running';
        },
        setReady: (ready, why) => this.setReady(ready, why),
        kill: (reason) => void this.kill(reason),
        changed: () => this.emit('change'),
      },
    );
  }

  get id(): string {
    return this.opts.id;
  }

  get port(): number {
    return this.opts.port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.opts.port}`;
  }

  get ejected(): boolean {
    return this.traffic.ejected;
  }

  get inflight(): number {
    return this.traffic.inflight;
  }

  get served(): number {
    return this.traffic.served;
  }

  /** Traffic goes only to running, ready replicas the proxy has not ejected. */
  get routable(): boolean {
    return this.state === 'running' && this.ready && !this.ejected;
  }

  get running(): boolean {
    return this.state === 'running' || this.state === 'starting';
  }

  start(): void {
    this.desired = true;
    if (this.child || this.restartTimer) return;
    this.spawnProcess();
  }

  /** Graceful stop: out of rotation at once, SIGTERM, SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    this.desired = false;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.state = 'stopped';
      this.probes.stop();
      return;
    }
    this.state = 'stopping';
    this.setReady(false, 'stopping');
    this.pendingReason = 'stopped by the runner';
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** SIGKILL (chaos or failed liveness); the exit handler restarts it. */
  kill(reason: string): boolean {
    if (!this.child || this.pid === undefined) return false;
    this.pendingReason = reason;
    this.signal('SIGKILL');
    return true;
  }

  /** SIGSTOP now, SIGCONT after `ms` (unless it was restarted meanwhile). */
  freeze(ms: number): boolean {
    if (!this.child || this.state !== 'running') return false;
    const generation = this.generation;
    this.freezer.freeze(ms, () => this.generation === generation);
    return true;
  }

  thaw(): boolean {
    return this.freezer.thaw();
  }

  snapshot() {
    return {
      id: this.id,
      pid: this.pid ?? null,
      port: this.port,
      state: this.freezer.frozen ? 'frozen' : this.state,
      ready: this.ready,
      live: this.live,
      ejected: this.ejected,
      routable: this.routable,
      restarts: this.restarts,
      uptimeSeconds: this.startedAt && this.running ? Math.round((Date.now() - this.startedAt) / 1000) : 0,
      inflight: this.inflight,
      served: this.served,
      lastExit: this.lastExit ?? null,
      log: this.opts.logFile,
    };
  }

  private spawnProcess(): void {
    this.generation += 1;
    this.traffic.reset();
    this.freezer.forget();
    this.pendingReason = undefined;
    const child = spawnReplicaProcess(this.id, this.port, this.opts.command, this.opts.logFile);
    this.child = child;
    this.pid = child.pid;
    this.state = 'starting';
    this.startedAt = Date.now();
    this.readyAt = undefined;
    this.live = false;
    child.once('error', (err) => this.onExit(child, null, null, `spawn failed: ${err.message}`));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    this.opts.events.add('replica-started', `${this.id} started (pid ${child.pid}, port ${this.port})`, {
      service: this.opts.service,
      replica: this.id,
    });
    this.probes.start(this.generation);
    this.emit('change');
  }

  private onExit(
    child: ChildProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
    error?: string,
  ): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.pid = undefined;
    this.probes.stop();
    this.freezer.forget();
    const uptimeMs = this.startedAt ? Date.now() - this.startedAt : 0;
    const reason = error ?? this.pendingReason ?? exitReason(code, signal);
    this.lastExit = { at: new Date().toISOString(), code, signal, reason };
    this.ready = false;
    this.live = false;
    this.opts.events.add('replica-exited', `${this.id} ${reason} after ${Math.round(uptimeMs / 1000)} s`, {
      service: this.opts.service,
      replica: this.id,
      data: { code, signal },
    });
    if (!this.desired) {
      this.state = 'stopped';
      this.emit('change');
      this.emit('exit');
      return;
    }
    const delay = this.backoff.next(uptimeMs);
    this.state = 'backoff';
    this.opts.events.add('replica-restart-scheduled', `${this.id} restarts in ${delay} ms`, {
      service: this.opts.service,
      replica: this.id,
      data: { delayMs: delay },
    });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.desired) return;
      this.restarts += 1;
      this.spawnProcess();
    }, delay);
    this.emit('change');
    this.emit('exit');
  }

  private signal(sig: NodeJS.Signals): void {
    if (this.pid === undefined) return;
    try {
      process.kill(this.pid, sig);
    } catch {
      // Already gone: the exit handler takes it from here.
    }
  }

  private setReady(ready: boolean, why?: string): void {
    if (ready) this.traffic.readinessPassed();
    if (ready === this.ready) return;
    this.ready = ready;
    if (ready) this.readyAt = Date.now();
    this.opts.events.add(
      ready ? 'replica-ready' : 'replica-unready',
      ready ? `${this.id} ready` : `${this.id} not ready (${why ?? 'probe failed'})`,
      { service: this.opts.service, replica: this.id },
    );
    this.emit(ready ? 'ready' : 'unready');
    this.emit('change');
  }
}
