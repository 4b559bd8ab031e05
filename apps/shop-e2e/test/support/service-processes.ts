import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort } from '@ha-shop/os-process';
import { nodePreloadArgs } from '@ha-shop/observability';

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

/**
 * Builds the services (nx; cached when current) so they can run as real processes
 * exactly as the demo runner starts them: `node --require <tracing preload> dist/main.js`.
 */
export function buildServices(projects: string[]): void {
  try {
    execFileSync(
      'npx',
      [
        'nx',
        'run-many',
        '-t',
        'build',
        '-p',
        [...projects, 'observability'].join(','),
        '--outputStyle=static',
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(
      `building ${projects.join(', ')} failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`,
    );
  }
}

export class ServiceProcess {
  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly proc: ChildProcess,
    private readonly output: string[],
  ) {}

  static async start(name: string, env: Record<string, string>): Promise<ServiceProcess> {
    const port = await freePort();
    const output: string[] = [];
    const proc = spawn(
      process.execPath,
      [...nodePreloadArgs(), join(REPO_ROOT, 'apps', name, 'dist', 'main.js')],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'warn',
          SHUTDOWN_DRAIN_MS: '0',
          OTEL_TRACES_EXPORTER: 'none',
          OTEL_SERVICE_NAME: name,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (c: Buffer) => {
      output.push(c.toString());
      if (output.length > 400) output.splice(0, 100);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    const svc = new ServiceProcess(name, `http://127.0.0.1:${port}`, proc, output);
    await svc.waitReady();
    return svc;
  }

  private async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.proc.exitCode !== null)
        throw new Error(`${this.name} exited (${this.proc.exitCode}):\n${this.log}`);
      const ok = await fetch(`${this.url}/health/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`${this.name} not ready in ${timeoutMs} ms:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  get log(): string {
    return this.output.join('');
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}
