import { Injectable } from '@nestjs/common';
import { type DomainEvent, formatFeedCursor, parseFeedCursor } from '@ha-shop/events';
import { consumeSpan } from '@ha-shop/observability';
import { DataSource, EntityManager } from 'typeorm';
import { KpiIncrement, project } from './event-projection';

export interface ApplyResult {
  applied: number;
  duplicates: number;
}

/**
 * Applies a page of events exactly once in effect: the dedupe row and the aggregate
 * update share one transaction, so a crash between them can't double count or lose.
 */
@Injectable()
export class EventApplier {
  constructor(private readonly dataSource: DataSource) {}

  async applyPage(source: string, events: DomainEvent[], manager?: EntityManager): Promise<ApplyResult> {
    const run = (m: EntityManager) => this.applyInTransaction(m, source, events);
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  /** The `after` for the next poll: the position of the last applied event. */
  async cursor(source: string, manager: EntityManager = this.dataSource.manager): Promise<string> {
    const rows: Array<{ txid: string; seq: string }> = await manager.query(
      'SELECT last_txid::text AS txid, last_seq::text AS seq FROM feed_cursor WHERE source = $1',
      [source],
    );
    return rows[0] ? formatFeedCursor(rows[0]) : '0';
  }

  private async applyInTransaction(
    m: EntityManager,
    source: string,
    events: DomainEvent[],
  ): Promise<ApplyResult> {
    if (events.length === 0) return { applied: 0, duplicates: 0 };
    // A statement per table per page, not per event: under load a page holds tens of events.
    const fresh = await markProcessed(m, source, events);
    const increments: Array<KpiIncrement & { at: string }> = [];
    const active: Array<{ userId: string; at: string }> = [];
    let applied = 0;
    for (const event of events) {
      // delete: the same event twice in one page still counts once. PostgreSQL answers ids in
      // lower case; the feed's are its own, so nothing else differs.
      if (!fresh.delete(event.id.toLowerCase())) continue;
      applied++;
      // A consumer span linked to the producer's trace, so one trace shows the order end to end.
      const { increments: incs, activeUserId } = await consumeSpan(event, () => project(event));
      for (const inc of incs) increments.push({ ...inc, at: event.occurredAt });
      if (activeUserId) active.push({ userId: activeUserId, at: event.occurredAt });
    }
    await addToKpis(m, increments);
    await recordActivity(m, active);
    // A producer from before positions sends none: its seq is a position with txid 0.
    const at = parseFeedCursor(events[events.length - 1].position ?? events[events.length - 1].seq);
    // Only forward: a replayed older page must not rewind the cursor.
    await m.query(
      `INSERT INTO feed_cursor (source, last_txid, last_seq) VALUES ($1, $2, $3)
       ON CONFLICT (source) DO UPDATE
         SET last_txid = EXCLUDED.last_txid, last_seq = EXCLUDED.last_seq, updated_at = now()
         WHERE (feed_cursor.last_txid, feed_cursor.last_seq) < (EXCLUDED.last_txid, EXCLUDED.last_seq)`,
      [source, at.txid, at.seq],
    );
    return { applied, duplicates: events.length - applied };
  }
}

/** The dedupe rows of a page; returns the ids that were not applied before. */
async function markProcessed(m: EntityManager, source: string, events: DomainEvent[]): Promise<Set<string>> {
  const inserted: Array<{ event_id: string }> = await m.query(
    `INSERT INTO processed_event (event_id, source, seq, type)
     SELECT e.id, $1, e.seq, e.type FROM unnest($2::uuid[], $3::bigint[], $4::text[]) AS e(id, seq, type)
     ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
    [source, events.map((e) => e.id), events.map((e) => e.seq), events.map((e) => e.type.slice(0, 100))],
  );
  return new Set(inserted.map((r) => r.event_id));
}

/** Summed per minute bucket first: one upsert may not touch the same row twice. */
async function addToKpis(m: EntityManager, increments: Array<KpiIncrement & { at: string }>): Promise<void> {
  if (increments.length === 0) return;
  await m.query(
    `INSERT INTO kpi_minute (bucket, metric, dimension, value)
     SELECT date_trunc('minute', i.at), i.metric, i.dimension, sum(i.value)
       FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::bigint[]) AS i(at, metric, dimension, value)
      GROUP BY 1, 2, 3
     ON CONFLICT (bucket, metric, dimension) DO UPDATE SET value = kpi_minute.value + EXCLUDED.value`,
    [
      increments.map((i) => i.at),
      increments.map((i) => i.metric),
      increments.map((i) => i.dimension ?? ''),
      increments.map((i) => i.value),
    ],
  );
}

async function recordActivity(
  m: EntityManager,
  active: Array<{ userId: string; at: string }>,
): Promise<void> {
  if (active.length === 0) return;
  await m.query(
    `INSERT INTO user_activity (user_id, bucket)
     SELECT DISTINCT a.user_id, date_trunc('minute', a.at)
       FROM unnest($1::text[], $2::timestamptz[]) AS a(user_id, at)
     ON CONFLICT DO NOTHING`,
    [active.map((a) => a.userId), active.map((a) => a.at)],
  );
}
