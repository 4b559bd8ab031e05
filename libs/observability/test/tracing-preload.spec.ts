// The preload as production starts it: real `node --require dist/tracing.preload.js` processes,
// one per configuration, reporting what tracing they got. Needs the library built (`make build`).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracingPreloadPath } from '../src/tracing/preload-args';

const ROOT = resolve(__dirname, '..', '..', '..');

/** Runs in the child: one root span and one child of a sampled remote parent, then a flush. */
const PROBE = `
const api = require('@opentelemetry/api');
const tracer = api.trace.getTracer('probe');
const root = tracer.startSpan('probe root');
const rootRecording = root.isRecording();
root.end();
const remote = api.trace.setSpanContext(api.context.active(), {
  traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true,
});
const child = tracer.startSpan('probe child', {}, remote);
const childRecording = child.isRecording();
child.end();
const provider = api.trace.getTracerProvider().getDelegate();
const loaded = Object.keys(require.cache);
// instrumentation-pg wraps Client#query when pg is loaded (shimmer marks the wrapper).
const pgQuerySpans = Boolean(require('pg').Client.prototype.query.__wrapped);
Promise.resolve(provider.forceFlush && provider.forceFlush()).then(() => {
  process.stdout.write(JSON.stringify({
    provider: provider.constructor.name,
    root: { recording: rootRecording, valid: api.trace.isSpanContextValid(root.spanContext()) },
    child: { recording: childRecording, traceId: child.spanContext().traceId },
    sdkNode: loaded.some((f) => f.includes('/sdk-node/')),
    pgQuerySpans,
    exporters: [...new Set(loaded.map((f) => /exporter-trace-otlp-[a-z]+/.exec(f)?.[0]).filter(Boolean))],
  }));
});
`;

interface ProbeResult {
  provider: string;
  root: { recording: boolean; valid: boolean };
  child: { recording: boolean; traceId: string };
  sdkNode: boolean;
  pgQuerySpans: boolean;
  exporters: string[];
}

function probe(env: Record<string, string>): Promise<ProbeResult> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['--require', tracingPreloadPath(), '-e', PROBE],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (err, stdout, stderr) =>
        err ? fail(new Error(`${err.message}\n${stderr}`)) : done(JSON.parse(stdout)),
    );
  });
}

describe('tracing preload', () => {
  let receiver: Server;
  let endpoint = '';
  const received: Array<{ service: string; name: string; traceId: string }> = [];

  beforeAll(async () => {
    expect(existsSync(tracingPreloadPath()), 'build libs/observability first').toBe(true);
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        for (const rs of JSON.parse(body).resourceSpans ?? []) {
          const service = rs.resource.attributes.find((a: { key: string }) => a.key === 'service.name');
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans)
              received.push({ service: service?.value.stringValue, name: s.name, traceId: s.traceId });
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => receiver?.close(r));
  });

  it('exports nothing by default: local roots unrecorded but with real ids, sampled callers still recorded', async () => {
    const r = await probe({});
    expect(r.provider).toBe('NodeTracerProvider');
    expect(r.root).toEqual({ recording: false, valid: true });
    expect(r.child).toEqual({ recording: true, traceId: '0af7651916cd43dd8448eb211c80319c' });
    expect(r.sdkNode).toBe(false);
    expect(r.exporters).toEqual([]);
    // Unrecorded query spans would be pure cost: pg is left unpatched.
    expect(r.pgQuerySpans).toBe(false);
  });

  it('honours an explicit sampler when exporting nothing', async () => {
    const r = await probe({ OTEL_TRACES_SAMPLER: 'always_on' });
    expect(r.root.recording).toBe(true);
  });

  it('exports over OTLP with only the configured protocol loaded', async () => {
    const r = await probe({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_SERVICE_NAME: 'probe-service',
    });
    expect(r.root).toEqual({ recording: true, valid: true });
    expect(r.sdkNode).toBe(false);
    expect(r.exporters).toEqual(['exporter-trace-otlp-http']);
    expect(r.pgQuerySpans).toBe(true);
    expect(received.filter((s) => s.service === 'probe-service').map((s) => s.name)).toEqual(
      expect.arrayContaining(['probe root', 'probe child']),
    );
    expect(received.find((s) => s.name === 'probe child')?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('falls back to the full NodeSDK for OTel metrics or logs', async () => {
    const r = await probe({ OTEL_METRICS_EXPORTER: 'none' });
    expect(r.sdkNode).toBe(true);
    expect(r.root.valid).toBe(true);
  });

  it('starts no SDK when OTEL_SDK_DISABLED=true', async () => {
    const r = await probe({ OTEL_SDK_DISABLED: 'true' });
    expect(r.provider).toBe('NoopTracerProvider');
    expect(r.root.valid).toBe(false);
  });
});
