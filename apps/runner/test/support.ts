import { freePorts } from '@ha-shop/os-process';
import { waitFor } from '@ha-shop/testkit';
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunnerApi } from '../src/scenario/runner-api';

const ROOT = resolve(__dirname, '..', '..', '..');
export const RUNNER_DIST = join(ROOT, 'apps', 'runner', 'dist');

export interface TestRunner {
  api: RunnerApi;
  /** The shop API through the edge, e.g. http://127.0.0.1:41234/api */
  apiUrl: string;
  dataDir: string;
  statusUrl: string;
  /** Set when started with `{ storefront: true }`. */
  storefrontUrl?: string;
  stop(): Promise<void>;
}

/** What a test runner starts besides the shop; off unless a test asks (each costs start time and CPU). */
export interface RunnerFeatures {
  prometheus?: boolean;
  jaeger?: boolean;
  autoscale?: boolean;
  /** The storefront (apps/storefront, built) on a free port; its URL comes back as `storefrontUrl`. */
  storefront?: boolean;
}

/**
 * Starts `make demo`'s runner as a real process tree (launcher, runner, PostgreSQL,
 * every service's replicas) on free loopback ports with a throwaway data folder.
 * Needs everything built (`make test` builds before testing).
 */
export async function startRunner(
  extraArgs: string[] = [],
  features: RunnerFeatures = {},
): Promise<TestRunner> {
  const entry = join(RUNNER_DIST, 'demo.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (npx nx run-many -t build)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'ha-shop-runner-test-'));
  // One call, so that no two of them can be the same port.
  const [edgePort, statusPort, pgPort, storefront, prometheusPort, jaegerPort, otlpPort] = await freePorts(7);
  const storefrontPort = features.storefront ? storefront : undefined;
  const output = createWriteStream(join(dataDir, 'runner.out'));
  const child = spawn(
    process.execPath,
    [
      entry,
      '--data-dir',
      dataDir,
      '--edge-port',
      String(edgePort),
      '--status-port',
      String(statusPort),
      '--pg-port',
      String(pgPort),
      '--base-port',
      '0',
      ...(storefrontPort ? ['--storefront-port', String(storefrontPort)] : ['--no-storefront']),
      '--log-level',
      'warn',
      ...(features.prometheus ? ['--prometheus-port', String(prometheusPort)] : ['--no-prometheus']),
      ...(features.jaeger
        ? ['--jaeger-port', String(jaegerPort), '--otlp-port', String(otlpPort)]
        : ['--no-jaeger']),
      ...(features.autoscale ? [] : ['--no-autoscale']),
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEMO_QUIET: '0' } },
  );
  child.stdout?.pipe(output);
  child.stderr?.pipe(output);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const statusUrl = `http://127.0.0.1:${statusPort}`;
  const api = new RunnerApi(statusUrl);
  const stop = () => stopRunner(child, exited, dataDir);
  try {
    await Promise.race([
      api.waitFor((s) => s.phase === 'running', 240_000, 'the runner to be running'),
      exited.then((code) => {
        throw new Error(`runner exited (${code}) during start:\n${tail(join(dataDir, 'runner.out'))}`);
      }),
    ]);
    const skipped = (await api.status()).services.filter((s) => s.state === 'skipped');
    if (skipped.length > 0) {
      throw new Error(
        `services not started: ${skipped.map((s) => `${s.name} (${'reason' in s ? s.reason : ''})`).join(', ')}`,
      );
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const storefrontUrl = storefrontPort ? `http://127.0.0.1:${storefrontPort}` : undefined;
  return { api, apiUrl: `http://127.0.0.1:${edgePort}/api`, dataDir, statusUrl, storefrontUrl, stop };
}

async function stopRunner(
  child: ChildProcess,
  exited: Promise<number | null>,
  dataDir: string,
): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(60_000).then(() => false)]);
  if (!done) {
    // Last resort: whatever the runner recorded as its processes.
    killRecorded(dataDir);
    child.kill('SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
}

function killRecorded(dataDir: string): void {
  const postmaster = join(dataDir, 'postgres', 'postmaster.pid');
  if (existsSync(postmaster)) {
    try {
      process.kill(Number(readFileSync(postmaster, 'utf8').split('\n')[0]), 'SIGQUIT');
    } catch {
      // gone
    }
  }
  const file = join(dataDir, 'run', 'pids.json');
  if (!existsSync(file)) return;
  const { runner, processes } = JSON.parse(readFileSync(file, 'utf8')) as {
    runner: number;
    processes: Record<string, number>;
  };
  for (const [id, pid] of [['runner', runner] as const, ...Object.entries(processes)]) {
    if (id === 'postgres' || !pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-40).join('\n') : '';
}

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  return waitFor(check, { what, timeoutMs });
}
