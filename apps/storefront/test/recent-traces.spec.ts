import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { recentTraces } from '../src/lib/architecture/jaeger';
import { freePort } from '@ha-shop/os-process';

const ROOT = resolve(__dirname, '..', '..', '..');

// The dashboard's trace list against the real Jaeger v2 that `make demo` runs (built once by
// scripts/jaeger-build.sh): spans go in over OTLP/HTTP, come out of its query API.
describe('recent traces from Jaeger', () => {
  let jaeger: ChildProcess;
  let dir: string;
  let query: string;
  let otlp: string;

  beforeAll(async () => {
    const binary = execFileSync('bash', [join(ROOT, 'scripts', 'jaeger-build.sh')], {
      encoding: 'utf8',
      timeout: 900_000,
    })
      .trim()
      .split('\n')
      .pop()!;
    dir = mkdtempSync(join(tmpdir(), 'ha-shop-jaeger-'));
    // A port found free can be taken before Jaeger binds it (other suites run beside this one, and
    // two lookups can even return the same port): then Jaeger exits at once and fresh ports are tried.
    for (let attempt = 1; ; attempt++) {
      const [queryPort, grpcPort, otlpPort] = [await freePort(), await freePort(), await freePort()];
      query = `http://127.0.0.1:${queryPort}`;
      otlp = `http://127.0.0.1:${otlpPort}`;
      writeFileSync(join(dir, 'config.yaml'), jaegerConfig(queryPort, grpcPort, otlpPort));
      const log = join(dir, `jaeger-${attempt}.log`);
      const fd = openSync(log, 'w');
      jaeger = spawn(binary, ['--config', join(dir, 'config.yaml')], { stdio: ['ignore', fd, fd] });
      closeSync(fd);
      const outcome = await untilUp(jaeger, `${query}/api/services`, 60_000);
      if (outcome === 'up') break;
      jaeger.kill('SIGKILL');
      if (outcome === 'timeout' || attempt === 3) {
        throw new Error(`Jaeger did not start (${outcome}):\n${readFileSync(log, 'utf8').slice(-2000)}`);
      }
    }
  });

  afterAll(() => {
    jaeger?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const span = (service: string, spanId: string, name: string, startMs: number, ms: number, extra = {}) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
    scopeSpans: [
      {
        spans: [
          {
            traceId: '5b8efff798038103d269b633813fc60c',
            spanId,
            name,
            kind: 2,
            startTimeUnixNano: String(BigInt(startMs) * 1_000_000n),
            endTimeUnixNano: String(BigInt(startMs + ms) * 1_000_000n),
            ...extra,
          },
        ],
      },
    ],
  });

  it('shows a trace across services by its root span, with its services, spans, duration and error', async () => {
    const t0 = Date.now();
    const res = await fetch(`${otlp}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          span('payment-service', 'eee19b7ec3c1b175', 'POST /payments', t0 + 1, 19, {
            parentSpanId: 'eee19b7ec3c1b174',
          }),
          span('checkout-service', 'eee19b7ec3c1b174', 'POST /checkout', t0, 30, { status: { code: 2 } }),
        ],
      }),
    });
    expect(res.status).toBe(200);
    let got: Awaited<ReturnType<typeof recentTraces>> | undefined;
    for (let i = 0; i < 100 && !got?.traces.length; i++) {
      got = await recentTraces(query, ['payment-service', 'checkout-service', 'user-service']);
      if (!got.traces.length) await new Promise((r) => setTimeout(r, 100));
    }
    expect(got!.note).toBeNull();
    // Asked per service, listed once.
    expect(got!.traces).toHaveLength(1);
    expect(got!.traces[0]).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      rootService: 'checkout-service',
      operation: 'POST /checkout',
      services: ['checkout-service', 'payment-service'],
      spans: 2,
      durationMs: 30,
      error: true,
      url: `${query}/trace/5b8efff798038103d269b633813fc60c`,
    });
  });

  it('says why there are no traces: none configured, or Jaeger not answering', async () => {
    expect(await recentTraces(undefined, ['checkout-service'])).toEqual({
      traces: [],
      note: 'Jaeger not configured',
    });
    const down = await recentTraces(`http://127.0.0.1:${await freePort()}`, ['checkout-service']);
    expect(down.traces).toEqual([]);
    expect(down.note).toMatch(/^Jaeger unavailable/);
  });
});

function jaegerConfig(queryPort: number, grpcPort: number, otlpPort: number): string {
  return stringify({
    service: {
      extensions: ['jaeger_storage', 'jaeger_query'],
      pipelines: { traces: { receivers: ['otlp'], exporters: ['jaeger_storage_exporter'] } },
      telemetry: { metrics: { level: 'none' }, logs: { level: 'warn' } },
    },
    extensions: {
      jaeger_query: {
        storage: { traces: 'memstore' },
        enable_tracing: false,
        http: { endpoint: `127.0.0.1:${queryPort}` },
        grpc: { endpoint: `127.0.0.1:${grpcPort}` },
      },
      jaeger_storage: { backends: { memstore: { memory: { max_traces: 100 } } } },
    },
    receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${otlpPort}` } } } },
    exporters: { jaeger_storage_exporter: { trace_storage: 'memstore' } },
  });
}

/** 'up' once `url` answers 2xx; 'exited' as soon as the process ends; 'timeout' after `timeoutMs`. */
async function untilUp(
  child: ChildProcess,
  url: string,
  timeoutMs: number,
): Promise<'up' | 'exited' | 'timeout'> {
  let exited = child.exitCode !== null;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) return 'exited';
    const up = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return 'up';
    await new Promise((r) => setTimeout(r, 100));
  }
  return 'timeout';
}
