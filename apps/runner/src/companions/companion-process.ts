import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { killLeftover, readPidFile, tailFile } from '@ha-shop/os-process';
import { EventLog } from '../event-log';
import { probe } from '../probes';
import { BackoffPolicy } from '../supervisor/backoff';

export interface CompanionOptions {
  /** Shown in events and status: `prometheus`, `jaeger`. */
  name: string;
  binary: string;
  args: string[];
  logFile: string;
  /** `<data-dir>/run/<name>.pid`: lets the next runner stop one a SIGKILLed runner left behind. */
  pidFile: string;
  /** GET answering 2xx once it serves. */
  readyUrl: string;
  events: EventLog;
}

export type CompanionState = 'starting' | 'running' | 'backoff' | 'stopping' | 'stopped';

/**
 * A non-Node helper the demo runs next to the shop (Prometheus, Jaeger): its own process
 * group (a terminal's Ctrl-C reaches only the runner), restarted with backoff when it
 * exits, stopped with SIGTERM. Not a Replica: no traffic, no liveness kill, one instance.
 */
export class CompanionProcess {
  state: CompanionState = 'stopped';
  ready = false;
  pid?: number;
  restarts = 0;
  private child?: ChildProcess;
  private desired = false;
  private restartTimer?: NodeJS.Timeout;
  private readyTimer?: NodeJS.Timeout;
  private readonly backoff = new BackoffPolicy({ initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000 });

  constructor(readonly opts: CompanionOptions) {}

  start(): void {
    this.desired = true;
    stopLeftover(this.opts.pidFile, this.opts.binary);
    this.spawnProcess();
  }

  /** Resolves once it answers its ready URL; throws (with its log's tail) after `timeoutMs`. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ready) {
      if (Date.now() > deadline || !this.desired)
        throw new Error(`${this.opts.name} not ready after ${timeoutMs} ms:\n${tailFile(this.opts.logFile)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.desired = false;
    clearTimeout(this.restartTimer);
    clearTimeout(this.readyTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  snapshot() {
    return { state: this.state, ready: this.ready, pid: this.pid ?? null, restarts: this.restarts };
  }

  private spawnProcess(): void {
    mkdirSync(dirname(this.opts.logFile), { recursive: true });
    const fd = openSync(this.opts.logFile, 'a');
    writeSync(fd, `\n===== ${new Date().toISOString()} ${this.opts.name} starting =====\n`);
    let child: ChildProcess;
    try {
      child = spawn(this.opts.binary, this.opts.args, { stdio: ['ignore', fd, fd], detached: true });
    } finally {
      closeSync(fd);
    }
    this.child = child;
    this.pid = child.pid;
    this.state = 'starting';
    this.ready = false;
    if (child.pid) {
      mkdirSync(dirname(this.opts.pidFile), { recursive: true });
      writeFileSync(this.opts.pidFile, `${child.pid}\n`);
    }
    const startedAt = Date.now();
    child.once('error', (err) => this.onExit(child, startedAt, `spawn failed: ${err.message}`));
    child.once('exit', (code, signal) =>
      this.onExit(child, startedAt, signal ? `killed by ${signal}` : `exited (code ${code})`),
    );
    this.events().add('runner', `${this.opts.name} started (pid ${child.pid})`);
    this.pollReady(child);
  }

  private pollReady(child: ChildProcess): void {
    this.readyTimer = setTimeout(() => {
      void probe(this.opts.readyUrl, 1000).then((result) => {
        if (this.child !== child) return;
        if (!result.ok) return this.pollReady(child);
        this.ready = true;
        this.state = 'running';
        this.events().add('runner', `${this.opts.name} ready`);
      });
    }, 200);
  }

  private onExit(child: ChildProcess, startedAt: number, reason: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.pid = undefined;
    this.ready = false;
    clearTimeout(this.readyTimer);
    rmSync(this.opts.pidFile, { force: true });
    this.events().add('runner', `${this.opts.name} ${reason}`);
    if (!this.desired) {
      this.state = 'stopped';
      return;
    }
    const delay = this.backoff.next(Date.now() - startedAt);
    this.state = 'backoff';
    this.restartTimer = setTimeout(() => {
      this.restarts += 1;
      this.spawnProcess();
    }, delay);
  }

  private events(): EventLog {
    return this.opts.events;
  }
}

/** A runner killed with SIGKILL leaves its companions running (own process groups): stop them first. */
function stopLeftover(pidFile: string, binary: string): void {
  killLeftover(readPidFile(pidFile), binary);
  rmSync(pidFile, { force: true });
}
