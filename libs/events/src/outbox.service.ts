import { Inject, Injectable } from '@nestjs/common';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { NewEvent, payloadMismatches } from './catalogue';
import { DomainEvent, EventFeedPage } from './domain-event';
import { OutboxEventEntity } from './outbox-event.entity';

export const EVENT_SOURCE = Symbol('EVENT_SOURCE');

/** A producer tried to publish an event the catalogue does not describe: a bug, never bad input. */
export class UncataloguedEventError extends Error {
  constructor(
    readonly type: string,
    readonly mismatches: string[],
  ) {
    super(`event ${type} does not match the catalogue: ${mismatches.join('; ')}`);
    this.name = 'UncataloguedEventError';
  }
}

// Transaction-scoped lock that serialises appends, making `seq` order equal commit order.
// Without it a reader could see seq 11 committed before seq 10 and move its cursor past 10 forever.
const APPEND_LOCK_KEY = 7_326_412;

@Injectable()
export class OutboxService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_SOURCE) readonly source: string,
  ) {}

  /**
   * Appends events inside the caller's transaction. Call it last in the transaction:
   * the lock it takes is held until commit. An event the catalogue does not describe fails
   * the whole transaction, so consumers never meet a payload they were not promised.
   */
  async append(manager: EntityManager, ...events: NewEvent[]): Promise<string[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('OutboxService.append must run inside the transaction that makes the change');
    }
    for (const e of events) {
      const mismatches = payloadMismatches(e.type, e.payload);
      if (mismatches.length > 0) throw new UncataloguedEventError(e.type, mismatches);
    }
    const ids = events.map(() => randomUUID());
    // A PRODUCER span per append; its context is what the events carry, so a consumer's
    // span links to exactly this publish (messaging semantic conventions).
    return trace.getTracer('@ha-shop/events').startActiveSpan(
      `send ${this.source}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'ha-shop.outbox',
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'send',
          'messaging.destination.name': this.source,
          ...(ids.length === 1
            ? { 'messaging.message.id': ids[0] }
            : { 'messaging.batch.message_count': ids.length }),
          'ha_shop.event.type': [...new Set(events.map((e) => e.type))].join(','),
        },
      },
      async (span) => {
        try {
          return await this.insert(manager, ids, events);
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

  private async insert(manager: EntityManager, ids: string[], events: NewEvent[]): Promise<string[]> {
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    await manager.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK_KEY]);
    const values: unknown[] = [];
    const rows = events.map((e, i) => {
      values.push(ids[i], e.type, e.aggregateId, JSON.stringify(e.payload), carrier.traceparent ?? null);
      const b = i * 5;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}::jsonb, $${b + 5})`;
    });
    await manager.query(
      `INSERT INTO outbox_event (id, type, aggregate_id, payload, traceparent) VALUES ${rows.join(', ')}`,
      values,
    );
    return ids;
  }

  /** Appends in a transaction of its own, for events that are not part of a state change. */
  appendStandalone(...events: NewEvent[]): Promise<string[]> {
    return this.dataSource.transaction((manager) => this.append(manager, ...events));
  }

  async page(after: string, limit: number): Promise<EventFeedPage> {
    const rows = await this.dataSource
      .getRepository(OutboxEventEntity)
      .createQueryBuilder('e')
      .where('e.seq > :after', { after })
      .orderBy('e.seq', 'ASC')
      .limit(limit + 1)
      .getMany();
    const hasMore = rows.length > limit;
    const events: DomainEvent[] = rows.slice(0, limit).map((r) => ({
      id: r.id,
      seq: String(r.seq),
      source: this.source,
      type: r.type,
      aggregateId: r.aggregateId,
      payload: r.payload,
      traceparent: r.traceparent,
      occurredAt: r.occurredAt.toISOString(),
    }));
    const headSeq = hasMore || events.length === 0 ? await this.headSeq() : events[events.length - 1].seq;
    return { source: this.source, events, nextCursor: events.at(-1)?.seq ?? after, hasMore, headSeq };
  }

  /** Newest sequence number, for the outbox-lag metric. */
  async headSeq(): Promise<string> {
    const [row] = (await this.dataSource.query(
      'SELECT coalesce(max(seq), 0)::text AS head FROM outbox_event',
    )) as Array<{ head: string }>;
    return row.head;
  }
}
