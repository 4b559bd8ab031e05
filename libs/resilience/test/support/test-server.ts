import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor as poll } from '@ha-shop/testkit';
import { Registry } from 'prom-client';
import { afterEach } from 'vitest';
import { PolicyRegistry } from '../../src';
import { ResilienceMetrics } from '../../src/metrics';
import { policyEnvVar } from '../../src/policy-config';
import type { DependencyPolicyConfig } from '../../src/policy-defaults';
import type { PolicyRegistryOptions } from '../../src/policy-registry';

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server on 127.0.0.1 that counts what it sees, including requests the client abandoned. */
export class TestServer {
  hits = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Requests whose connection closed before we answered (client aborted). */
  aborted = 0;
  readonly requests: SeenRequest[] = [];
  private readonly held = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    public handler: Handler,
  ) {}

  static async start(handler: Handler): Promise<TestServer> {
    const server = createServer();
    const ts = new TestServer(server, handler);
    server.on('request', (req, res) => ts.onRequest(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return ts;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** A promise the handler can await to hold a request open until `release()`. */
  hold(): Promise<void> {
    return new Promise((resolve) => this.held.add(resolve));
  }

  release(): void {
    for (const r of this.held) r();
    this.held.clear();
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.hits++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.inFlight--;
    };
    res.on('finish', finish);
    res.on('close', () => {
      if (!res.writableFinished) this.aborted++;
      finish();
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      Promise.resolve(this.handler(req, res, body)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
    });
  }
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** RESILIENCE_* env vars for a dependency, built from the same naming the library reads. */
export function envFor(dependency: string, config: Partial<DependencyPolicyConfig>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [field, value] of Object.entries(config)) {
    env[policyEnvVar(dependency, field as keyof DependencyPolicyConfig)] = String(value);
  }
  return env;
}

/** A registry with its own prom-client Registry, so each test reads only its own metrics. */
export function testRegistry(
  env: Record<string, string>,
  options: Pick<PolicyRegistryOptions, 'logger' | 'logIntervalMs'> = {},
) {
  const promRegistry = new Registry();
  const metrics = new ResilienceMetrics(promRegistry);
  const registry = new PolicyRegistry({ env, metrics, ...options });
  return { registry, metrics, promRegistry };
}

/** A policy that never trips the breaker, for tests about other behaviour. */
/**
 * What one test opens, a server and a registry (each test sets them), closed after it: the
 * registry first, so no call is left in flight.
 */
export function perTest(): { server?: TestServer; ctx?: ReturnType<typeof testRegistry> } {
  const opened: { server?: TestServer; ctx?: ReturnType<typeof testRegistry> } = {};
  afterEach(async () => {
    await opened.ctx?.registry.close();
    await opened.server?.close();
    opened.ctx = opened.server = undefined;
  });
  return opened;
}

export const BREAKER_NEVER: Partial<DependencyPolicyConfig> = { breakerMinimumRps: 1_000_000 };

export async function metricValue(
  promRegistry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  // Histogram series (_count, _sum, _bucket) live on the histogram itself.
  const base = name.replace(/_(count|sum|bucket)$/, '');
  const metric = promRegistry.getSingleMetric(name) ?? promRegistry.getSingleMetric(base);
  if (!metric) return undefined;
  const { values } = await metric.get();
  const match = values.find(
    (v) =>
      ((v as { metricName?: string }).metricName ?? base) === name &&
      Object.entries(labels).every(([k, val]) => v.labels[k] === val),
  );
  return match?.value;
}

/** In-process state changes within milliseconds: poll often, give up soon. */
export function waitFor(check: () => boolean, timeoutMs = 2_000): Promise<true> {
  return poll(() => check(), { timeoutMs, intervalMs: 10 });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface LogLine {
  level: 'info' | 'warn';
  fields: Record<string, unknown>;
  msg: string;
}

/** A ResilienceLogger that keeps what it is told. */
export function capturedLogger() {
  const lines: LogLine[] = [];
  const logger = {
    info: (fields: object, msg: string) => void lines.push({ level: 'info', fields: { ...fields }, msg }),
    warn: (fields: object, msg: string) => void lines.push({ level: 'warn', fields: { ...fields }, msg }),
  };
  return { logger, lines, of: (event: string) => lines.filter((l) => l.fields.event === event) };
}
