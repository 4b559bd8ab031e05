// One real service process (`node apps/<svc>/dist/main.js`) on a fixed loopback port, so it can
// be killed and started again at the same address. No supervisor restarts it behind the test's back.
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

export const SERVICE_NAMES = [
  'user-service',
  'product-service',
  'payment-service',
  'checkout-service',
  'analytics-service',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Epoch ms. */
  at: number;
}

// Whatever happens to the test, no service outlives the test process.
const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

export class ServiceProcess {
  private child?: ChildProcess;
  private exitPromise?: Promise<ExitInfo>;
  /** How many times this service was spawned (a restart the test did not ask for would show here). */
  spawns = 0;

  constructor(
    readonly name: ServiceName,
    readonly port: number,
    public env: Record<string, string>,
    private readonly logDir: string,
    /** Names the log file; several processes of one service need distinct ids. */
    readonly id: string = name,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when the current process exits. */
  get exited(): Promise<ExitInfo> {
    if (!this.exitPromise) throw new Error(`${this.name} was never started`);
    return this.exitPromise;
  }

  get logFile(): string {
    return join(this.logDir, `${this.id}.log`);
  }

  /** Spawns the process and waits until its readiness probe answers 200. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    const appDir = join(REPO_ROOT, 'apps', this.name);
    const main = join(appDir, 'dist', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} missing: build first (npx nx run-many -t build)`);
    const log = openSync(this.logFile, 'a');
    const child = spawn(process.execPath, [main], {
      cwd: appDir,
      env: { ...inherited(), ...this.env, HOST: '127.0.0.1', PORT: String(this.port) },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.child = child;
    this.spawns++;
    alive.add(child);
    this.exitPromise = new Promise((done) =>
      child.once('exit', (code, signal) => {
        alive.delete(child);
        done({ code, signal, at: Date.now() });
      }),
    );
    await this.waitReady(timeoutMs);
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.id} exited while starting:\n${this.logTail()}`);
      if ((await this.probe('/health/ready')) === 200) return;
      await sleep(100);
    }
    throw new Error(`${this.id} not ready after ${timeoutMs} ms:\n${this.logTail()}`);
  }

  /** Status of a probe (0 when nothing answers), with a short timeout of its own. */
  async probe(path: string, timeoutMs = 2000): Promise<number> {
    try {
      const res = await fetch(this.url + path, { signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.child?.kill(signal)) throw new Error(`could not send ${signal} to ${this.name}`);
  }

  /** SIGKILL: a crash, nothing drains. */
  async kill(): Promise<ExitInfo> {
    if (!this.running) return this.exited;
    this.signal('SIGKILL');
    return this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<ExitInfo | undefined> {
    if (!this.child) return undefined;
    if (!this.running) return this.exited;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  logTail(lines = 30): string {
    if (!existsSync(this.logFile)) return '(no log)';
    return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }
}

/** What a service inherits from the test process: the basics, nothing else (not vitest's settings). */
function inherited(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', 'USER']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}
