import FastifyOtelInstrumentation from '@fastify/otel';
import { DiagConsoleLogger, diag } from '@opentelemetry/api';
import { diagLogLevelFromString } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { IncomingMessage } from 'node:http';
import {
  defaultSamplerFor,
  exportsNothing,
  LEAN_TRACE_EXPORTERS,
  spanProcessorsFromEnv,
  traceExporterNames,
} from './span-export';

export interface TracingOptions {
  /** Replaces the exporters chosen by `OTEL_TRACES_EXPORTER` (tests pass an in-memory exporter here). */
  spanProcessors?: SpanProcessor[];
  env?: NodeJS.ProcessEnv;
  argv?: string[];
}

/** What a started SDK offers; both setups below (lean tracer, full NodeSDK) have it. */
export interface TracingHandle {
  shutdown(): Promise<void>;
}

const STARTED = Symbol.for('ha-shop.observability.tracing');
type GlobalWithSdk = typeof globalThis & { [STARTED]?: TracingHandle };

/** Probes and scrapes arrive every few seconds; as traces they are noise that hides the real requests. */
const UNTRACED_PATH = /^\/(health|metrics)(\/|\?|$)/;

/**
 * Starts OpenTelemetry tracing once per process. Configuration is the standard `OTEL_*`
 * environment; the only defaults that differ from the SDK's are that nothing is exported
 * unless asked for (`OTEL_TRACES_EXPORTER` unset means `none`, and metrics and logs are not
 * exported through OTel at all unless `OTEL_METRICS_EXPORTER` / `OTEL_LOGS_EXPORTER` say so:
 * metrics go through prom-client's `/metrics`, logs to stdout).
 *
 * With `none`, spans still get ids (just never recorded unless a caller sampled them, see
 * defaultSamplerFor) so trace ids reach the logs and `traceparent` still flows to other
 * services and into the outbox.
 *
 * Traces alone need only a tracer provider: `@opentelemetry/sdk-node` loads every exporter,
 * the metrics and the logs SDKs at require time (about 700 modules and 7 MB of RSS per
 * process, docs/performance.md "Memory"), so it is loaded only for settings the lean setup
 * does not cover (OTel metrics or logs, other propagators, resource detectors or exporters).
 */
export function startTracing(options: TracingOptions = {}): TracingHandle | undefined {
  const g = globalThis as GlobalWithSdk;
  if (g[STARTED]) return g[STARTED];
  const env = options.env ?? process.env;
  if (/^\s*true\s*$/i.test(env.OTEL_SDK_DISABLED ?? '')) return undefined;
  const serviceName = defaultServiceName(env, options.argv ?? process.argv);
  const handle = needsFullSdk(env)
    ? startFullSdk(env, serviceName, options.spanProcessors)
    : startLeanTracing(env, serviceName, options.spanProcessors);
  g[STARTED] = handle;
  return handle;
}

/** Settings only NodeSDK implements; each is read by NodeSDK itself from the environment. */
function needsFullSdk(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_METRICS_EXPORTER || env.OTEL_LOGS_EXPORTER) return true;
  if (env.OTEL_PROPAGATORS || env.OTEL_NODE_RESOURCE_DETECTORS) return true;
  return traceExporterNames(env).some((name) => !LEAN_TRACE_EXPORTERS.has(name));
}

/** What NodeSDK.start() does for traces: the same resource, sampler, propagators and processors. */
function startLeanTracing(
  env: NodeJS.ProcessEnv,
  serviceName: string | undefined,
  spanProcessors: SpanProcessor[] | undefined,
): TracingHandle {
  if (env.OTEL_LOG_LEVEL) {
    diag.setLogger(new DiagConsoleLogger(), { logLevel: diagLogLevelFromString(env.OTEL_LOG_LEVEL) });
  }
  registerInstrumentations({ instrumentations: createInstrumentations(recordsSpans(env, spanProcessors)) });
  let resource = defaultResource().merge(
    detectResources({ detectors: [envDetector, processDetector, hostDetector] }),
  );
  if (serviceName) resource = resource.merge(resourceFromAttributes({ 'service.name': serviceName }));
  // Sampler (OTEL_TRACES_SAMPLER/_ARG), span limits and OTEL_BSP_* come from the env here too.
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: spanProcessors ?? spanProcessorsFromEnv(env),
    ...samplerOption(env, spanProcessors),
  });
  // AsyncLocalStorage context, W3C trace context and baggage: NodeSDK's defaults.
  provider.register();
  return provider;
}

function startFullSdk(
  env: NodeJS.ProcessEnv,
  serviceName: string | undefined,
  spanProcessors: SpanProcessor[] | undefined,
): TracingHandle {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when needed, see startTracing
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const processors = spanProcessors ?? (exportsNothing(env) ? spanProcessorsFromEnv(env) : undefined);
  const sdk = new NodeSDK({
    serviceName,
    ...samplerOption(env, spanProcessors),
    ...(processors ? { spanProcessors: processors } : {}),
    ...(env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    ...(env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
    instrumentations: createInstrumentations(recordsSpans(env, spanProcessors)),
  });
  sdk.start();
  return sdk;
}

/** Processors given by the caller (tests) record everything, as they always did. */
function samplerOption(env: NodeJS.ProcessEnv, spanProcessors: SpanProcessor[] | undefined) {
  const sampler = spanProcessors ? undefined : defaultSamplerFor(env);
  return sampler ? { sampler } : {};
}

/** Whether any span this process records goes anywhere (an exporter, or the caller's processors). */
function recordsSpans(env: NodeJS.ProcessEnv, spanProcessors: SpanProcessor[] | undefined): boolean {
  return spanProcessors !== undefined || !exportsNothing(env);
}

/**
 * HTTP in and out, undici/fetch out, Fastify and Nest handlers, and PostgreSQL queries when spans
 * go somewhere. With nothing exported a query span is an unrecorded leaf that no log line, header or
 * outbox row reads, yet its instrumentation was about a tenth of checkout-service's CPU under the
 * checkout bench (docs/performance.md); the HTTP and handler spans stay, as the logs' trace ids and
 * the `traceparent` sent on come from them.
 */
function createInstrumentations(querySpans: boolean) {
  const instrumentations = [
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
  ];
  // Pool housekeeping and probe queries outside a request would each become a lone trace.
  if (!querySpans) return instrumentations;
  const { PgInstrumentation } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when used, see above
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  return [...instrumentations, new PgInstrumentation({ requireParentSpan: true })];
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
