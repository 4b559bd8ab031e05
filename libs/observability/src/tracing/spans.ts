import {
  Attributes,
  context,
  Link,
  propagation,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

const TRACER_NAME = '@ha-shop/observability';

/** The fields of an outbox event (`@ha-shop/events` DomainEvent) that tracing needs. */
export interface TracedEvent {
  id: string;
  source: string;
  type: string;
  traceparent?: string | null;
  seq?: string;
}

/** `messaging.system` of the outbox feeds: a pull feed over HTTP, not a broker. */
export const OUTBOX_MESSAGING_SYSTEM = 'ha-shop.outbox';

/**
 * Runs `fn` inside a CONSUMER span for one outbox event, linked to the producer's span
 * through the `traceparent` stored with the event, so the checkout's trace leads to the
 * analytics work it caused and back. The span is a child of the active span (e.g. a
 * `withSpan('poll ...')` around a page of events), or the root of a trace of its own: a
 * consumer applies an event later and in batches, so the producer is a link, not a parent.
 */
export async function consumeSpan<T>(event: TracedEvent, fn: (span: Span) => Promise<T> | T): Promise<T> {
  const links: Link[] = [];
  if (event.traceparent) {
    const producer = trace.getSpanContext(
      propagation.extract(ROOT_CONTEXT, { traceparent: event.traceparent }),
    );
    if (producer && trace.isSpanContextValid(producer)) links.push({ context: producer });
  }
  const attributes: Attributes = {
    'messaging.system': OUTBOX_MESSAGING_SYSTEM,
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': event.source,
    'messaging.message.id': event.id,
    'ha_shop.event.type': event.type,
  };
  if (event.seq !== undefined) attributes['ha_shop.event.seq'] = event.seq;
  const root = trace.getActiveSpan() === undefined;
  return runInSpan(`process ${event.source}`, { kind: SpanKind.CONSUMER, attributes, links, root }, fn);
}

/**
 * Runs `fn`, the append of `events` to the outbox, in a PRODUCER span: its context is what the
 * events carry, so each consumer's span (consumeSpan) links to exactly this publish.
 */
export async function produceSpan<T>(
  source: string,
  events: ReadonlyArray<{ id: string; type: string }>,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const attributes: Attributes = {
    'messaging.system': OUTBOX_MESSAGING_SYSTEM,
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'send',
    'messaging.destination.name': source,
    ...(events.length === 1
      ? { 'messaging.message.id': events[0].id }
      : { 'messaging.batch.message_count': events.length }),
    'ha_shop.event.type': [...new Set(events.map((e) => e.type))].join(','),
  };
  return runInSpan(`send ${source}`, { kind: SpanKind.PRODUCER, attributes, links: [], root: false }, fn);
}

/**
 * Runs a background job (a worker tick, a retry) in a span of its own, so its log lines
 * carry a trace id and its outgoing calls and queries hang together.
 */
export function withSpan<T>(
  name: string,
  fn: (span: Span) => Promise<T> | T,
  attributes: Attributes = {},
): Promise<T> {
  return runInSpan(name, { kind: SpanKind.INTERNAL, attributes, links: [], root: false }, fn);
}

async function runInSpan<T>(
  name: string,
  opts: { kind: SpanKind; attributes: Attributes; links: Link[]; root: boolean },
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const parent = opts.root ? ROOT_CONTEXT : context.active();
  return tracer.startActiveSpan(
    name,
    { kind: opts.kind, attributes: opts.attributes, links: opts.links, root: opts.root },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
