import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSourceOptions, migrateWithLock } from '@ha-shop/database';
import { createTestDatabase } from '@ha-shop/testkit';
import { OUTBOX_ENTITIES, OUTBOX_MIGRATIONS, OutboxService } from '../src';

describe('transactional outbox', () => {
  let ds: DataSource;
  let outbox: OutboxService;

  beforeAll(async () => {
    const url = await createTestDatabase();
    ds = await new DataSource(
      dataSourceOptions({
        url,
        applicationName: 'outbox-test',
        entities: OUTBOX_ENTITIES,
        migrations: OUTBOX_MIGRATIONS,
        poolSize: 40,
      }),
    ).initialize();
    await migrateWithLock(ds);
    outbox = new OutboxService(ds, 'test-service');
  });
  afterAll(() => ds.destroy());

  it('refuses to append outside a transaction', async () => {
    await expect(outbox.append(ds.manager, { type: 'x', aggregateId: '1', payload: {} })).rejects.toThrow(
      /inside the transaction/,
    );
  });

  it('drops events of a rolled-back transaction together with the change', async () => {
    const before = await outbox.headSeq();
    await expect(
      ds.transaction(async (m) => {
        await outbox.append(m, { type: 'order.placed', aggregateId: 'o1', payload: { total: 100 } });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await outbox.headSeq()).toBe(before);
  });

  it('pages the feed in order with a stable cursor', async () => {
    const start = await outbox.headSeq();
    for (let i = 0; i < 5; i++)
      await outbox.appendStandalone({ type: 'cart.item_added', aggregateId: `c${i}`, payload: { i } });
    const first = await outbox.page(start, 3);
    expect(first.events.map((e) => e.payload.i)).toEqual([0, 1, 2]);
    expect(first.hasMore).toBe(true);
    const second = await outbox.page(first.nextCursor, 3);
    expect(second.events.map((e) => e.payload.i)).toEqual([3, 4]);
    expect(second.hasMore).toBe(false);
    const empty = await outbox.page(second.nextCursor, 3);
    expect(empty).toMatchObject({
      events: [],
      nextCursor: second.nextCursor,
      hasMore: false,
      headSeq: second.nextCursor,
    });
    expect(first.headSeq).toBe(second.nextCursor);
  });

  it('never lets a reader skip an event committed out of order', async () => {
    const start = await outbox.headSeq();
    const writers = Array.from({ length: 30 }, (_, i) =>
      ds.transaction(async (m) => {
        await outbox.append(m, { type: 'load', aggregateId: String(i), payload: { i } });
        // Hold the transaction open for a random while so commits interleave.
        await sleep(Math.random() * 40);
      }),
    );
    const seen: string[] = [];
    let cursor = start;
    let done = false;
    const all = Promise.all(writers).then(() => (done = true));
    while (!done || seen.length < 30) {
      const page = await outbox.page(cursor, 7);
      seen.push(...page.events.map((e) => e.aggregateId));
      cursor = page.nextCursor;
      if (page.events.length === 0) await sleep(5);
      if (seen.length > 30) break;
    }
    await all;
    expect(seen.length).toBe(30);
    expect(new Set(seen).size).toBe(30);
  });
});
