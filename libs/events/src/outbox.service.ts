import { Inject, Injectable } from '@nestjs/common';
import { context, propagation } from '@opentelemetry/api';
import { produceSpan } from '@ha-shop/observability';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { NewEvent, payloadMismatches } from './catalogue';
import { DomainEvent, EventFeedPage } from './domain-event';
import { formatFeedCursor, parseFeedCursor } from './feed-cursor';

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

interface OutboxRow {
  id: string;
  seq: string;
  txid: string;
  type: string;
  aggregate_id: string;
  payload: Record<string, unknown>;
  traceparent: string | null;
  occurred_at: Date;
}

/**
 * A page in feed order, (txid, seq), holding back every row whose transaction is not older
 * than the oldest one still running (the snapshot's xmin). All older transactions are finished,
 * so no row can later appear behind a cursor, and appends need no lock to order them (a seq-only
 * reader could see seq 11 committed before seq 10 and move past 10 forever).
 *
 * A bare-seq cursor, as consumers stored them before txids, resumes right after the row with
 * that seq: for rows written before the txid column (txid 0, kept in commit order by the old
 * append lock) that is exact; for a newer row, stored by a consumer still on seq cursors, it
 * moves on instead of replaying the first newer page forever.
 */
const PAGE_SQL = `
  SELECT e.id, e.seq::text AS seq, e.txid::text AS txid, e.type, e.aggregate_id, e.payload, e.traceparent, e.occurred_at
  FROM outbox_event e
  WHERE (e.txid, e.seq) > (coalesce($1::xid8, (SELECT o.txid FROM outbox_event o WHERE o.seq = $2), '0'), $2::bigint)
    AND e.txid < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY e.txid, e.seq -- the columns, not the text aliases above
  LIMIT $3`;

/** The newest committed row the feed still holds back behind an older running transaction. */
const HELD_SQL = `
  SELECT max(txid)::text AS held FROM outbox_event WHERE txid >= pg_snapshot_xmin(pg_current_snapshot())`;
const PASSED_SQL = 'SELECT pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 AS passed';

// How long a page waits for the transactions that hold back already committed rows. Write
// transactions take milliseconds, so an event committed before the request is almost always
// in the answer; a stuck transaction costs each poll this much, not the whole poll timeout.
const SETTLE_MS = 250;
const SETTLE_STEP_MS = 10;

@Injectable()
export class OutboxService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_SOURCE) readonly source: string,
  ) {}

  /**
   * Appends events inside the caller's transaction; it takes no lock, so concurrent writers
   * don't queue behind each other. An event the catalogue does not describe fails
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
    // A PRODUCER span per append (messaging semantic conventions); the rows carry its context.
    return produceSpan(
      this.source,
      ids.map((id, i) => ({ id, type: events[i].type })),
      () => this.insert(manager, ids, events),
    );
  }

  private async insert(manager: EntityManager, ids: string[], events: NewEvent[]): Promise<string[]> {
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
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
    const cursor = parseFeedCursor(after);
    await this.settle();
    const rows = (await this.dataSource.query(PAGE_SQL, [
      cursor.bare ? null : cursor.txid,
      cursor.seq,
      limit + 1,
    ])) as OutboxRow[];
    const hasMore = rows.length > limit;
    const events: DomainEvent[] = rows.slice(0, limit).map((r) => ({
      id: r.id,
      seq: r.seq,
      position: formatFeedCursor(r),
      source: this.source,
      type: r.type,
      aggregateId: r.aggregate_id,
      payload: r.payload,
      traceparent: r.traceparent,
      occurredAt: r.occurred_at.toISOString(),
    }));
    // Always read: rows held back behind a running transaction are part of the head, and in
    // (txid, seq) order the page's last seq need not be the largest.
    const headSeq = await this.headSeq();
    return { source: this.source, events, nextCursor: events.at(-1)?.position ?? after, hasMore, headSeq };
  }

  /** Waits, briefly, until every committed row is past the horizon (see SETTLE_MS). */
  private async settle(): Promise<void> {
    const [{ held }] = (await this.dataSource.query(HELD_SQL)) as Array<{ held: string | null }>;
    if (held === null) return;
    const until = Date.now() + SETTLE_MS;
    while (Date.now() < until) {
      const [{ passed }] = (await this.dataSource.query(PASSED_SQL, [held])) as Array<{ passed: boolean }>;
      if (passed) return;
      await sleep(SETTLE_STEP_MS);
    }
  }

  /** Newest sequence number, for the outbox-lag metric. */
  async headSeq(): Promise<string> {
    const [row] = (await this.dataSource.query(
      'SELECT coalesce(max(seq), 0)::text AS head FROM outbox_event',
    )) as Array<{ head: string }>;
    return row.head;
  }
}
