import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, openSync, writeSync } from 'node:fs';
import { EventLog } from '../event-log';
import { probe } from '../probes';
import { BackoffPolicy } from './backoff';

export type ReplicaState = 'pending' | 'starting' | 'running' | 'backoff' | 'stopping' | 'stopped';

export interface ReplicaCommand {
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface ReplicaTiming {
  probeIntervalMs: number;
  livenessPeriodMs: number;
  livenessFailureThreshold: number;
  startupTimeoutMs: number;
  /** Readiness failures in a row before traffic stops (one success brings it back). */
  readinessFailureThreshold: number;
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
 * One supervised process: spawned in its own process group (so a terminal's Ctrl-C
 * reaches only the runner, which then stops replicas in order), probed for liveness
 * and readiness, restarted with capped exponential backoff when it exits, and killed
 * when it stops answering liveness.
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
  frozenUntil?: number;
  /** Passive health: ejected by the proxy after consecutive failed attempts. */
  ejected = false;
  ejectedAt?: number;
  inflight = 0;
  /** Requests the proxy sent here (status and tests: "its requests go elsewhere"). */
  served = 0;

  private child?: ChildProcess;
  private generation = 0;
  private desired = false;
  private pendingReason?: string;
  private readyFailures = 0;
  private liveFailures = 0;
  private passiveFailures = 0;
  private probeTimer?: NodeJS.Timeout;
  private readyTimer?: NodeJS.Timeout;
  private restartTimer?: NodeJS.Timeout;
  private thawTimer?: NodeJS.Timeout;
  private readonly backoff = new BackoffPolicy();

  constructor(readonly opts: ReplicaOptions) {
    super();
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
      this.stopProbes();
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
    this.signal('SIGSTOP');
    this.frozenUntil = Date.now() + ms;
    clearTimeout(this.thawTimer);
    this.thawTimer = setTimeout(() => {
      if (this.generation === generation) this.thaw();
    }, ms);
    return true;
  }

  thaw(): boolean {
    clearTimeout(this.thawTimer);
    if (this.frozenUntil === undefined) return false;
    this.frozenUntil = undefined;
    this.signal('SIGCONT');
    this.opts.events.add('chaos', `${this.id} resumed (SIGCONT)`, {
      service: this.opts.service,
      replica: this.id,
    });
    return true;
  }

  /** Proxy feedback: a response arrived (any status the replica itself produced). */
  recordSuccess(): void {
    this.passiveFailures = 0;
  }

  /** Proxy feedback: connection error, timeout, or a 503 from a closing server. */
  recordFailure(reason: string): void {
    this.passiveFailures += 1;
    if (!this.ejected && this.passiveFailures >= this.opts.timing.ejectAfterFailures) {
      this.ejected = true;
      this.ejectedAt = Date.now();
      this.opts.events.add(
        'ejected',
        `${this.id} ejected after ${this.passiveFailures} failed requests (${reason})`,
        {
          service: this.opts.service,
          replica: this.id,
        },
      );
      this.emit('change');
    }
  }

  snapshot() {
    return {
      id: this.id,
      pid: this.pid ?? null,
      port: this.port,
      state: this.frozenUntil !== undefined ? 'frozen' : this.state,
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
    this.readyFailures = 0;
    this.liveFailures = 0;
    this.passiveFailures = 0;
    this.ejected = false;
    this.frozenUntil = undefined;
    this.pendingReason = undefined;
    const fd = openSync(this.opts.logFile, 'a');
    writeSync(fd, `\n===== ${new Date().toISOString()} ${this.id} starting on port ${this.port} =====\n`);
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, this.opts.command.args, {
        cwd: this.opts.command.cwd,
        env: { ...this.opts.command.env, PORT: String(this.port) },
        stdio: ['ignore', fd, fd],
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
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
    this.scheduleProbe(this.generation, 300);
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
    this.stopProbes();
    clearTimeout(this.thawTimer);
    this.frozenUntil = undefined;
    const uptimeMs = this.startedAt ? Date.now() - this.startedAt : 0;
    const reason =
      error ??
      this.pendingReason ??
      (signal ? `killed by ${signal}` : code === 0 ? 'exited (code 0)' : `crashed (exit code ${code})`);
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

  private scheduleProbe(generation: number, delayMs: number): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => void this.livenessProbe(generation), delayMs);
  }

  private stopProbes(): void {
    clearTimeout(this.probeTimer);
    clearTimeout(this.readyTimer);
    this.probeTimer = undefined;
    this.readyTimer = undefined;
  }

  private isStale(generation: number): boolean {
    return generation !== this.generation || !this.child || this.state === 'stopping';
  }

  /** Liveness (and, while starting, startup): a replica that stops answering it is killed. */
  private async livenessProbe(generation: number): Promise<void> {
    const t = this.opts.timing;
    if (this.isStale(generation)) return;
    const starting = this.state === 'starting';
    const live = await probe(this.origin + (this.opts.livePath ?? '/health/live'), starting ? 1000 : 1500);
    if (this.isStale(generation)) return;
    if (live.ok) {
      this.liveFailures = 0;
      this.live = true;
      if (starting) {
        this.state = 'running';
        void this.readinessProbe(generation);
      }
    } else if (starting) {
      if (Date.now() - (this.startedAt ?? 0) > t.startupTimeoutMs) {
        this.kill(`not live within ${Math.round(t.startupTimeoutMs / 1000)} s of starting`);
        return;
      }
    } else {
      this.liveFailures += 1;
      this.live = false;
      if (this.liveFailures >= t.livenessFailureThreshold) {
        this.opts.events.add(
          'replica-killed',
          `${this.id} failed liveness ${this.liveFailures} times in a row: SIGKILL`,
          {
            service: this.opts.service,
            replica: this.id,
          },
        );
        this.kill(`liveness failed ${this.liveFailures} times (${live.error})`);
        return;
      }
    }
    this.emit('change');
    this.scheduleProbe(generation, this.state === 'starting' ? 300 : t.livenessPeriodMs);
  }

  /** Readiness, every probe interval once running: only ready replicas get traffic. */
  private async readinessProbe(generation: number): Promise<void> {
    const t = this.opts.timing;
    if (this.isStale(generation) || this.state !== 'running') return;
    const begun = Date.now();
    const ready = await probe(
      this.origin + (this.opts.readyPath ?? '/health/ready'),
      Math.min(1000, t.probeIntervalMs),
    );
    if (this.isStale(generation)) return;
    if (ready.ok) {
      this.readyFailures = 0;
      this.setReady(true);
    } else {
      this.readyFailures += 1;
      if (this.readyFailures >= t.readinessFailureThreshold) this.setReady(false, ready.error);
    }
    this.emit('change');
    clearTimeout(this.readyTimer);
    // Period between probe starts, so a hanging replica is not probed less often.
    const wait = Math.max(100, t.probeIntervalMs - (Date.now() - begun));
    this.readyTimer = setTimeout(() => void this.readinessProbe(generation), wait);
  }

  private setReady(ready: boolean, why?: string): void {
    const t = this.opts.timing;
    if (ready && this.ejected && Date.now() - (this.ejectedAt ?? 0) >= t.minEjectionMs) {
      this.ejected = false;
      this.passiveFailures = 0;
      this.opts.events.add('readmitted', `${this.id} readmitted: readiness is back`, {
        service: this.opts.service,
        replica: this.id,
      });
    }
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
