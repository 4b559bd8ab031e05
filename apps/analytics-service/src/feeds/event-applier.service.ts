import { Injectable } from '@nestjs/common';
import { type DomainEvent, formatFeedCursor, parseFeedCursor } from '@ha-shop/events';
import { consumeSpan } from '@ha-shop/observability';
import { DataSource, EntityManager } from 'typeorm';
import { project } from './event-projection';

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
    let applied = 0;
    for (const event of events) {
      // A consumer span linked to the producer's trace, so one trace shows the order end to end.
      if (await consumeSpan(event, () => this.applyOne(m, source, event))) applied++;
    }
    const last = events.at(-1);
    if (last) {
      // A producer from before positions sends none: its seq is a position with txid 0.
      const at = parseFeedCursor(last.position ?? last.seq);
      // Only forward: a replayed older page must not rewind the cursor.
      await m.query(
        `INSERT INTO feed_cursor (source, last_txid, last_seq) VALUES ($1, $2, $3)
         ON CONFLICT (source) DO UPDATE
           SET last_txid = EXCLUDED.last_txid, last_seq = EXCLUDED.last_seq, updated_at = now()
           WHERE (feed_cursor.last_txid, feed_cursor.last_seq) < (EXCLUDED.last_txid, EXCLUDED.last_seq)`,
        [source, at.txid, at.seq],
      );
    }
    return { applied, duplicates: events.length - applied };
  }

  /** Applies one event unless it was applied before; returns whether it was new. */
  private async applyOne(m: EntityManager, source: string, event: DomainEvent): Promise<boolean> {
    const inserted: unknown[] = await m.query(
      `INSERT INTO processed_event (event_id, source, seq, type) VALUES ($1, $2, $3, $4)
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [event.id, source, event.seq, event.type.slice(0, 100)],
    );
    if (inserted.length === 0) return false;
    const { increments, activeUserId } = project(event);
    for (const inc of increments) {
      await m.query(
        `INSERT INTO kpi_minute (bucket, metric, dimension, value) VALUES (date_trunc('minute', $1::timestamptz), $2, $3, $4)
         ON CONFLICT (bucket, metric, dimension) DO UPDATE SET value = kpi_minute.value + EXCLUDED.value`,
        [event.occurredAt, inc.metric, inc.dimension ?? '', inc.value],
      );
    }
    if (activeUserId) {
      await m.query(
        `INSERT INTO user_activity (user_id, bucket) VALUES ($1, date_trunc('minute', $2::timestamptz)) ON CONFLICT DO NOTHING`,
        [activeUserId, event.occurredAt],
      );
    }
    return true;
  }
}
