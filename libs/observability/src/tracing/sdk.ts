import FastifyOtelInstrumentation from '@fastify/otel';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { IncomingMessage } from 'node:http';

export interface TracingOptions {
  /** Replaces the exporters chosen by `OTEL_TRACES_EXPORTER` (tests pass an in-memory exporter here). */
  spanProcessors?: SpanProcessor[];
  env?: NodeJS.ProcessEnv;
  argv?: string[];
}

const STARTED = Symbol.for('ha-shop.observability.tracing');
type GlobalWithSdk = typeof globalThis & { [STARTED]?: NodeSDK };

/** Probes and scrapes arrive every few seconds; as traces they are noise that hides the real requests. */
const UNTRACED_PATH = /^\/(health|metrics)(\/|\?|$)/;

/**
 * Starts the OpenTelemetry Node SDK once per process. Configuration is the standard
 * `OTEL_*` environment; the only defaults that differ from the SDK's are that nothing is
 * exported unless asked for (`OTEL_TRACES_EXPORTER` unset means `none`, and metrics and
 * logs are not exported through OTel at all unless `OTEL_METRICS_EXPORTER` /
 * `OTEL_LOGS_EXPORTER` say so: metrics go through prom-client's `/metrics`, logs to stdout).
 *
 * With `none`, spans are still created (just never exported) so trace ids reach the logs
 * and `traceparent` still flows to other services and into the outbox.
 */
export function startTracing(options: TracingOptions = {}): NodeSDK {
  const g = globalThis as GlobalWithSdk;
  if (g[STARTED]) return g[STARTED];
  const env = options.env ?? process.env;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'null');
  const exportNothing = exporters.length === 0 || exporters.every((e) => e === 'none');
  const spanProcessors = options.spanProcessors ?? (exportNothing ? [new NoopSpanProcessor()] : undefined);

  const sdk = new NodeSDK({
    serviceName: defaultServiceName(env, options.argv ?? process.argv),
    ...(spanProcessors ? { spanProcessors } : {}),
    ...(env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    ...(env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
    instrumentations: createInstrumentations(),
  });
  sdk.start();
  g[STARTED] = sdk;
  return sdk;
}

/** HTTP in and out, undici/fetch out, Fastify and Nest handlers, PostgreSQL queries. */
export function createInstrumentations() {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED_PATH.test(req.url ?? ''),
    }),
    // Callers that already inject trace headers themselves (libs/resilience does, so it
    // propagates even without this SDK) would otherwise send two traceparents, which the
    // receiver must reject as invalid, starting a new trace. The client span's wins.
    new UndiciInstrumentation({ requestHook: (_span, request) => dropPropagationHeaders(request) }),
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      // One span per request and one per handler; a span per hook would triple every trace.
      instrumentHooks: false,
      ignorePaths: (route: { url: string }) => UNTRACED_PATH.test(route.url),
    }),
    new NestInstrumentation(),
    // Pool housekeeping and probe queries outside a request would each become a lone trace.
    new PgInstrumentation({ requireParentSpan: true }),
  ];
}

const PROPAGATION_HEADERS = new Set(['traceparent', 'tracestate', 'baggage']);

function dropPropagationHeaders(request: { headers: unknown }): void {
  const headers = request.headers;
  if (Array.isArray(headers)) {
    // undici >= 6: [name, value, name, value, ...]
    const kept: unknown[] = [];
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (!PROPAGATION_HEADERS.has(String(headers[i]).toLowerCase())) kept.push(headers[i], headers[i + 1]);
    }
    headers.splice(0, headers.length, ...kept);
  } else if (typeof headers === 'string') {
    // undici 5: raw "name: value\r\n" lines
    request.headers = headers
      .split('\r\n')
      .filter((line) => !PROPAGATION_HEADERS.has(line.slice(0, line.indexOf(':')).trim().toLowerCase()))
      .join('\r\n');
  }
}

/**
 * `OTEL_SERVICE_NAME` wins (the SDK reads it). Without it, a process started as
 * `node apps/<svc>/dist/main.js` is named `<svc>`, which is what the local runner does.
 */
function defaultServiceName(env: NodeJS.ProcessEnv, argv: string[]): string | undefined {
  if (env.OTEL_SERVICE_NAME) return undefined;
  if (/(^|,)\s*service\.name=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '')) return undefined;
  const match = /apps[\\/]([a-z0-9-]+)[\\/]dist[\\/]/.exec(argv[1] ?? '');
  return match?.[1];
}
