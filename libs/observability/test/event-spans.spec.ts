// First import: the SDK must patch http/pg before they load.
import { memoryExporter } from './support/memory-tracing';
import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { SpanKind, trace } from '@opentelemetry/api';
import { AuthModule } from '@ha-shop/auth';
import { DatabaseModule } from '@ha-shop/database';
import { EventsModule, OUTBOX_ENTITIES, OUTBOX_MIGRATIONS, OutboxService } from '@ha-shop/events';
import { BaseEnv, RunningService, ServiceCoreModule } from '@ha-shop/service-kit';
import { bootService, createTestDatabase, sampleOrderEvent, testEnv, TestIssuer } from '@ha-shop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeSpan, withSpan } from '../src';

@Module({})
class ProducerModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    return {
      module: ProducerModule,
      imports: [
        ServiceCoreModule.forRoot({ name: 'order-producer', envClass: BaseEnv, env }),
        DatabaseModule.forRoot({
          applicationName: 'order-producer',
          entities: OUTBOX_ENTITIES,
          migrations: OUTBOX_MIGRATIONS,
        }),
        AuthModule.forRoot(),
        EventsModule.forRoot({ source: 'order-producer' }),
      ],
    };
  }
}

describe('outbox publish and consume spans', () => {
  let svc: RunningService;
  let issuer: TestIssuer;
  let outbox: OutboxService;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    const db = await createTestDatabase('events');
    svc = await bootService(
      ProducerModule.forRoot(testEnv({ DATABASE_URL: db, JWKS_URL: issuer.jwksUrl })),
      'order-producer',
    );
    outbox = svc.app.get(OutboxService);
  });
  afterAll(async () => {
    await svc?.shutdown();
    await issuer?.close();
  });

  it('append is a PRODUCER span whose context is stored; consumeSpan links a CONSUMER span to it', async () => {
    memoryExporter.reset();
    let requestTrace = '';
    const [id] = await withSpan('place order', async (span) => {
      requestTrace = span.spanContext().traceId;
      return outbox.appendStandalone(sampleOrderEvent('order.placed', 1));
    });
    const producer = memoryExporter.getFinishedSpans().find((s) => s.kind === SpanKind.PRODUCER);
    expect(producer?.name).toBe('send order-producer');
    expect(producer?.spanContext().traceId).toBe(requestTrace);
    expect(producer?.attributes).toMatchObject({
      'messaging.system': 'ha-shop.outbox',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'order-producer',
      'messaging.message.id': id,
    });

    const page = await outbox.page('0', 10);
    const event = page.events.find((e) => e.id === id)!;
    expect(event.traceparent).toBe(`00-${requestTrace}-${producer!.spanContext().spanId}-01`);

    let active = '';
    const result = await consumeSpan(event, () => {
      active = trace.getActiveSpan()!.spanContext().traceId;
      return 'applied';
    });
    expect(result).toBe('applied');
    const consumer = memoryExporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER)!;
    expect(consumer.name).toBe('process order-producer');
    // Its own trace (applied later, in a batch), linked to exactly the publish.
    expect(consumer.spanContext().traceId).toBe(active);
    expect(consumer.spanContext().traceId).not.toBe(requestTrace);
    expect(consumer.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([
      [requestTrace, producer!.spanContext().spanId],
    ]);
    expect(consumer.attributes).toMatchObject({
      'messaging.system': 'ha-shop.outbox',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'order-producer',
      'messaging.message.id': id,
      'ha_shop.event.type': 'order.placed',
    });
  });

  it('nests consume spans under the poll span that fetched the page', async () => {
    memoryExporter.reset();
    const event = { id: 'e-3', source: 'order-producer', type: 'order.paid', traceparent: null };
    let pollSpanId = '';
    await withSpan('poll order-producer', async (poll) => {
      pollSpanId = poll.spanContext().spanId;
      await consumeSpan(event, () => undefined);
    });
    const consumer = memoryExporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER)!;
    expect(consumer.parentSpanContext?.spanId).toBe(pollSpanId);
  });

  it('records a failed consume as an error span and rethrows', async () => {
    memoryExporter.reset();
    const event = { id: 'e-2', source: 'order-producer', type: 'order.paid', traceparent: null };
    await expect(consumeSpan(event, () => Promise.reject(new Error('apply failed')))).rejects.toThrow(
      'apply failed',
    );
    const consumer = memoryExporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER)!;
    expect(consumer.status.code).toBe(2);
    expect(consumer.links).toEqual([]);
  });

  it('exposes outbox_head_seq for the outbox of the service', async () => {
    await outbox.appendStandalone(sampleOrderEvent('order.paid', 1));
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    const head = Number(/^outbox_head_seq\{source="order-producer"\} (\d+)$/m.exec(text)?.[1]);
    expect(head).toBe(Number(await outbox.headSeq()));
    expect(head).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^db_pool_connections\{state="total"\} \d+$/m);
    expect(text).toMatch(/^db_pool_max_connections \d+$/m);
  });
});
