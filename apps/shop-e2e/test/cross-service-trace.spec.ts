// Must stay the first import: tracing has to patch http/pg/Nest before the apps load them.
import { memoryExporter } from './support/memory-tracing';
import 'reflect-metadata';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyOne, seedSku, Shop, startShop } from './support/shop';

const portOf = (s: ReadableSpan) => Number(s.attributes['server.port'] ?? s.attributes['net.host.port']);
const routeOf = (s: ReadableSpan) => String(s.attributes['http.route'] ?? '');
const portOfUrl = (url: string) => Number(new URL(url).port);

describe('one checkout is one trace', () => {
  let shop: Shop;
  let sku: string;

  beforeAll(async () => {
    shop = await startShop({ testIssuer: true, user: false });
    sku = await seedSku(shop);
  });
  afterAll(() => shop?.close());

  it('spans checkout → product → payment, their database queries and the outbox publish', async () => {
    memoryExporter.reset();
    const res = await buyOne(shop, sku);
    expect(res.status).toBe(201);
    expect(res.body.order.status).toBe('PAID');

    const spans = await settledSpans();
    const checkoutServer = spans.find(
      (s) =>
        s.kind === SpanKind.SERVER &&
        routeOf(s) === '/checkout' &&
        portOf(s) === portOfUrl(shop.checkout.svc.url),
    );
    expect(checkoutServer, 'server span of POST /checkout').toBeDefined();
    const traceId = checkoutServer!.spanContext().traceId;
    const trace = spans.filter((s) => s.spanContext().traceId === traceId);
    const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));

    // Server spans of product-service and payment-service in the same trace, each the
    // child of a client span of checkout-service (the call that caused it).
    for (const target of [shop.product, shop.payment]) {
      const servers = trace.filter(
        (s) => s.kind === SpanKind.SERVER && portOf(s) === portOfUrl(target.svc.url),
      );
      expect(servers.length, `server spans on ${target.svc.url}`).toBeGreaterThan(0);
      for (const server of servers) {
        const parent = byId.get(server.parentSpanContext?.spanId ?? '');
        expect(parent?.kind, `parent of ${server.name}`).toBe(SpanKind.CLIENT);
      }
    }
    // One tree: a single root (the test's own request to checkout, traced as a CLIENT span),
    // every other span's parent in the trace.
    const roots = trace.filter((s) => !byId.has(s.parentSpanContext?.spanId ?? ''));
    expect(roots.map((r) => r.name)).toHaveLength(1);
    expect(roots[0].spanContext().spanId).toBe(checkoutServer!.parentSpanContext?.spanId);

    // PostgreSQL queries of all three services are in it.
    const queries = trace.filter(
      (s) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql',
    );
    expect(queries.length).toBeGreaterThan(3);

    // The outbox append is a PRODUCER span, and what the event stored is its context.
    const producer = trace.find((s) => s.kind === SpanKind.PRODUCER && s.name === 'send checkout-service');
    expect(producer).toBeDefined();
    expect(producer!.attributes['messaging.destination.name']).toBe('checkout-service');
  });

  it('links analytics consume spans to the checkout trace through the stored traceparent', async () => {
    memoryExporter.reset();
    const res = await buyOne(shop, sku);
    expect(res.status).toBe(201);
    const spans = await settledSpans();
    const producers = spans.filter((s) => s.kind === SpanKind.PRODUCER && s.name === 'send checkout-service');
    expect(producers.length).toBeGreaterThan(0);
    const producerIds = new Set(producers.map((p) => p.spanContext().spanId));
    const checkoutTrace = producers[0].spanContext().traceId;

    const consumer = await waitForSpan(
      (s) =>
        s.kind === SpanKind.CONSUMER &&
        s.attributes['messaging.destination.name'] === 'checkout-service' &&
        s.links.some((l) => l.context.traceId === checkoutTrace && producerIds.has(l.context.spanId)),
    );
    expect(consumer.attributes['messaging.operation.type']).toBe('process');
    expect(consumer.attributes['messaging.message.id']).toEqual(expect.any(String));
  });
});

/** Spans finish asynchronously (response already sent); wait until the count is stable. */
async function settledSpans(): Promise<ReadableSpan[]> {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    const now = memoryExporter.getFinishedSpans().length;
    if (now === last && now > 0) break;
    last = now;
    await new Promise((r) => setTimeout(r, 100));
  }
  return memoryExporter.getFinishedSpans();
}

async function waitForSpan(match: (s: ReadableSpan) => boolean, timeoutMs = 15_000): Promise<ReadableSpan> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = memoryExporter.getFinishedSpans().find(match);
    if (found) return found;
    if (Date.now() > end) throw new Error('no matching span in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
