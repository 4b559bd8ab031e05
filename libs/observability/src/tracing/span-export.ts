import { diag } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NoopSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** The `OTEL_TRACES_EXPORTER` values handled here; anything else goes to the full NodeSDK. */
export const LEAN_TRACE_EXPORTERS = new Set(['otlp', 'console', 'none']);

/** `OTEL_TRACES_EXPORTER` as a list, `null` and blanks dropped (unset is `[]`). */
export function traceExporterNames(env: NodeJS.ProcessEnv): string[] {
  return [
    ...new Set(
      (env.OTEL_TRACES_EXPORTER ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '' && s !== 'null'),
    ),
  ];
}

/**
 * The span processors `OTEL_TRACES_EXPORTER` asks for, as NodeSDK would build them (batch for
 * OTLP, reading `OTEL_BSP_*`; simple for console), except that unset means `none` here. With
 * `none` a no-op processor still makes spans exist, so trace ids reach logs and propagation.
 */
export function spanProcessorsFromEnv(env: NodeJS.ProcessEnv): SpanProcessor[] {
  const names = traceExporterNames(env);
  if (exportsNothing(env)) return [new NoopSpanProcessor()];
  // NodeSDK's rule: `none` next to real exporters means the default, otlp.
  const wanted = names.includes('none') ? ['otlp'] : names;
  return wanted.map((name) =>
    name === 'console'
      ? new SimpleSpanProcessor(new ConsoleSpanExporter())
      : new BatchSpanProcessor(otlpTraceExporter(env)),
  );
}

/** `OTEL_TRACES_EXPORTER` unset or only `none`. */
export function exportsNothing(env: NodeJS.ProcessEnv): boolean {
  return traceExporterNames(env).every((n) => n === 'none');
}

/**
 * The sampler when nothing is exported and none was chosen (`OTEL_TRACES_SAMPLER` wins):
 * a trace this process starts is not recorded, one a caller sampled still is. Recording
 * spans only to drop them cost about a third of the CPU of a simple request (docs/performance.md
 * "Memory"). Unrecorded spans still get real trace and span ids, so logs keep `trace_id` and
 * `traceparent` still flows (flag `00`, "not sampled", which only matters to a receiver that
 * exports: it then skips that trace, which it could only have had in part anyway).
 */
export function defaultSamplerFor(env: NodeJS.ProcessEnv): Sampler | undefined {
  if (env.OTEL_TRACES_SAMPLER || !exportsNothing(env)) return undefined;
  return new ParentBasedSampler({ root: new AlwaysOffSampler() });
}

/**
 * Only the exporter for the configured protocol is loaded: each pulls its own transport
 * (protobuf encoders, gRPC), which every process paid for when NodeSDK loaded all of them.
 * Endpoint, headers and timeout are read from `OTEL_EXPORTER_OTLP_*` by the exporter itself.
 */
function otlpTraceExporter(env: NodeJS.ProcessEnv): SpanExporter {
  const protocol =
    (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim() || 'http/protobuf';
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand, see above */
  switch (protocol) {
    case 'grpc':
      return new (require('@opentelemetry/exporter-trace-otlp-grpc').OTLPTraceExporter)();
    case 'http/json':
      return new (require('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter)();
    default:
      if (protocol !== 'http/protobuf')
        diag.warn(`Unsupported OTLP traces protocol: "${protocol}"; using http/protobuf.`);
      return new (require('@opentelemetry/exporter-trace-otlp-proto').OTLPTraceExporter)();
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}
