import { isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * Log fields of the active span, for service-kit's `registerLogContext`: every log line
 * written inside a request or a traced job carries `trace_id` and `span_id`, so a line
 * leads to its trace and a trace to its lines.
 */
export function traceLogContext(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const ctx = span.spanContext();
  if (!isSpanContextValid(ctx)) return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}
