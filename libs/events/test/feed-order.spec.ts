import { Client } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSourceOptions, migrateWithLock } from '@ha-shop/database';
import { type LocalPostgres, sampleViewEvent, startThrowawayPostgres, waitFor } from '@ha-shop/testkit';
import {
  CreateOutbox1731000000000,
  type EventFeedPage,
  OUTBOX_ENTITIES,
  OUTBOX_MIGRATIONS,
  OutboxService,
} from '../src';

// A PostgreSQL of its own: an open transaction holds back the feed of every database in its
// cluster (the property under test), and must not delay the feeds other test files read.
describe('outbox feed order without an append lock', () => {
  let pg: LocalPostgres;
  let ds: DataSource;
  let outbox: OutboxService;
  const sources: DataSource[] = [];

  const database = async (name: string, migrations: Array<new () => unknown>) => {
    const admin = new Client({ connectionString: pg.adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
    const url = pg.urlFor(name);
    const source = await new DataSource(
      dataSourceOptions({ url, applicationName: 'feed-order-test', entities: OUTBOX_ENTITIES, migrations }),
    ).initialize();
    sources.push(source);
    await migrateWithLock(source);
    return { url, source };
  };

  const view = (slug: string) => ({ ...sampleViewEvent(slug), aggregateId: slug });
  const slugs = (page: EventFeedPage) => page.events.map((e) => e.aggregateId);

  /** A transaction left open, as a request in the middle of its work holds it. */
  const open = async (slug?: string) => {
    const runner = ds.createQueryRunner();
    await runner.startTransaction();
    if (slug) await outbox.append(runner.manager, view(slug));
    return runner;
  };
  const commit = async (runner: QueryRunner) => {
    await runner.commitTransaction();
    await runner.release();
  };

  /** What a reader paging by seq alone (the feed before txids, without the append lock) returns. */
  const naivePage = async (after: string) => {
    const rows: Array<{ seq: string; aggregate_id: string }> = await ds.query(
      'SELECT seq::text AS seq, aggregate_id FROM outbox_event WHERE seq > $1 ORDER BY seq',
      [after],
    );
    return { slugs: rows.map((r) => r.aggregate_id), next: rows.at(-1)?.seq ?? after };
  };

  const caughtUp = async () => {
    let page = await outbox.page('0', 1000);
    while (page.hasMore) page = await outbox.page(page.nextCursor, 1000);
    return { cursor: page.nextCursor, seq: page.headSeq };
  };

  beforeAll(async () => {
    pg = await startThrowawayPostgres('ha-shop-feed-order');
    ({ source: ds } = await database('feed', OUTBOX_MIGRATIONS));
    outbox = new OutboxService(ds, 'order-test');
  });
  afterAll(async () => {
    for (const source of sources) await source.destroy();
    await pg?.stop();
  });

  it('does not hand out a later seq before an earlier one commits, where a seq-only reader skips', async () => {
    const start = await caughtUp();
    const earlier = await open('earlier');
    const later = await open('later');
    await commit(later);

    const naive = await naivePage(start.seq);
    expect(naive.slugs).toEqual(['later']);
    const held = await outbox.page(start.cursor, 10);
    expect(held.events).toEqual([]);
    expect(held.nextCursor).toBe(start.cursor);
    // The head counts the held-back event, so the consumer's lag shows it.
    expect(Number(held.headSeq)).toBe(Number(start.seq) + 2);

    await commit(earlier);
    // The seq-only reader has moved past the earlier event for good.
    expect((await naivePage(naive.next)).slugs).toEqual([]);
    const page = await outbox.page(held.nextCursor, 10);
    expect(slugs(page)).toEqual(['earlier', 'later']);
    expect(await outbox.page(page.nextCursor, 10)).toMatchObject({ events: [], hasMore: false });
  });

  it('orders by writing transaction, so a cursor never skips an event that got its seq late', async () => {
    const start = await caughtUp();
    // This transaction writes something first (its xid is assigned), and its event only later.
    const slow = await open();
    await slow.query('SELECT pg_current_xact_id()');
    await outbox.appendStandalone(view('fast'));
    expect((await outbox.page(start.cursor, 10)).events).toEqual([]);
    await outbox.append(slow.manager, view('slow'));
    await commit(slow);

    const page = await outbox.page(start.cursor, 10);
    expect(slugs(page)).toEqual(['slow', 'fast']);
    const [slowEvent, fastEvent] = page.events;
    expect(Number(slowEvent.seq)).toBeGreaterThan(Number(fastEvent.seq));
    expect(page.nextCursor).toBe(fastEvent.position);
    // Resuming from the first event's position still yields the second.
    expect(slugs(await outbox.page(slowEvent.position, 10))).toEqual(['fast']);
  });

  it('pages in numeric order, one event at a time, across seqs of more digits', async () => {
    const start = await caughtUp();
    const batch = Array.from({ length: 12 }, (_, i) => view(`b${i}`));
    await outbox.appendStandalone(...batch);
    const seen: string[] = [];
    let cursor = start.cursor;
    for (
      let page = await outbox.page(cursor, 1);
      page.events.length > 0;
      page = await outbox.page(cursor, 1)
    ) {
      seen.push(...slugs(page));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(batch.map((e) => e.aggregateId));
  });

  it('holds the feed back while a transaction stays open, and moves on once it ends', async () => {
    const start = await caughtUp();
    const stuck = await open('stuck');
    for (let i = 0; i < 3; i++) await outbox.appendStandalone(view(`after-${i}`));
    // Polled again later, the feed still gives nothing: no timeout of ours releases it.
    expect((await outbox.page(start.cursor, 10)).events).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await outbox.page(start.cursor, 10)).events).toEqual([]);
    await commit(stuck);
    // Its event comes first: its transaction is the oldest.
    expect(slugs(await outbox.page(start.cursor, 10))).toEqual(['stuck', 'after-0', 'after-1', 'after-2']);
  });

  it('is bounded by idle_in_transaction_session_timeout on the session that got stuck', async () => {
    const start = await caughtUp();
    const stuck = new Client({ connectionString: pg.urlFor('feed') });
    const ended = new Promise<Error>((resolve) => stuck.on('error', resolve));
    await stuck.connect();
    await stuck.query("SET idle_in_transaction_session_timeout = '400ms'");
    await stuck.query('BEGIN');
    await stuck.query(
      `INSERT INTO outbox_event (id, type, aggregate_id, payload) VALUES (gen_random_uuid(), 'product.viewed', 'lost', '{}')`,
    );
    await outbox.appendStandalone(view('kept'));
    expect((await outbox.page(start.cursor, 10)).events).toEqual([]);
    // The server ends the idle session and its transaction; the feed moves on without it.
    expect((await ended).message).toMatch(/idle-in-transaction timeout|terminat/i);
    const page = await waitFor(
      async () => {
        const p = await outbox.page(start.cursor, 10);
        return p.events.length > 0 ? p : undefined;
      },
      { what: 'the feed to pass the ended transaction', timeoutMs: 10_000 },
    );
    expect(slugs(page)).toEqual(['kept']);
    await stuck.end().catch(() => undefined);
  });

  it('resumes a bare-seq cursor stored before the migration, without skipping or replaying', async () => {
    // Events appended by the old schema (the append path is the same), and a consumer's cursor.
    const { url, source } = await database('legacy', [CreateOutbox1731000000000]);
    const old = new OutboxService(source, 'legacy-test');
    for (const slug of ['l1', 'l2', 'l3']) await old.appendStandalone(view(slug));
    const [{ seq: stored }] = (await source.query(
      "SELECT seq::text AS seq FROM outbox_event WHERE aggregate_id = 'l2'",
    )) as Array<{ seq: string }>;

    const next = await new DataSource(
      dataSourceOptions({
        url,
        applicationName: 'feed-order-test',
        entities: OUTBOX_ENTITIES,
        migrations: OUTBOX_MIGRATIONS,
      }),
    ).initialize();
    sources.push(next);
    expect(await migrateWithLock(next)).toEqual(['OutboxTxid1731300000015']);
    expect(await migrateWithLock(next)).toEqual([]);
    const [index] = await next.query(
      "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'outbox_event_txid_seq_idx'::regclass",
    );
    expect(index.valid).toBe(true);

    const feed = new OutboxService(next, 'legacy-test');
    await feed.appendStandalone(view('n1'));
    const page = await feed.page(stored, 10);
    expect(slugs(page)).toEqual(['l3', 'n1']);
    // Rows from before the migration keep bare-seq positions; new ones carry their txid.
    expect(page.events[0].position).toBe(page.events[0].seq);
    expect(page.events[1].position).toMatch(new RegExp(`^[1-9]\\d*\\.${page.events[1].seq}$`));
    expect(slugs(await feed.page('0', 10))).toEqual(['l1', 'l2', 'l3', 'n1']);
    expect(slugs(await feed.page(page.nextCursor, 10))).toEqual([]);
    // A consumer still on seq cursors, past the migration, moves on instead of replaying.
    await feed.appendStandalone(view('n2'));
    expect(slugs(await feed.page(page.events[1].seq, 10))).toEqual(['n2']);
  });
});
