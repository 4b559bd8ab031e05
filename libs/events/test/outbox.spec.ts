import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSourceOptions, migrateWithLock } from '@ha-shop/database';
import { createTestDatabase, sampleOrderEvent, sampleViewEvent } from '@ha-shop/testkit';
import {
  EVENTS,
  type NewEvent,
  OUTBOX_ENTITIES,
  OUTBOX_MIGRATIONS,
  OutboxService,
  readEvent,
  UncataloguedEventError,
} from '../src';

// Casts stand for a producer that drifted from the catalogue, which the compiler would refuse.
const drifted = (event: { type: string; aggregateId: string; payload: unknown }) => event as NewEvent;

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

  /** The cursor at the end of the feed, as a consumer that is caught up holds it. */
  const caughtUp = async () => {
    let page = await outbox.page('0', 1000);
    while (page.hasMore) page = await outbox.page(page.nextCursor, 1000);
    return page.nextCursor;
  };

  it('refuses to append outside a transaction', async () => {
    await expect(outbox.append(ds.manager, sampleViewEvent('x'))).rejects.toThrow(/inside the transaction/);
  });

  it('drops events of a rolled-back transaction together with the change', async () => {
    const before = await outbox.headSeq();
    await expect(
      ds.transaction(async (m) => {
        await outbox.append(m, sampleOrderEvent('order.placed', 100));
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await outbox.headSeq()).toBe(before);
  });

  it('pages the feed in order with a stable cursor', async () => {
    const start = await caughtUp();
    for (let i = 0; i < 5; i++) await outbox.appendStandalone(sampleViewEvent(`p${i}`));
    const first = await outbox.page(start, 3);
    expect(first.events.map((e) => e.payload.slug)).toEqual(['p0', 'p1', 'p2']);
    expect(first.hasMore).toBe(true);
    const second = await outbox.page(first.nextCursor, 3);
    expect(second.events.map((e) => e.payload.slug)).toEqual(['p3', 'p4']);
    expect(second.hasMore).toBe(false);
    const empty = await outbox.page(second.nextCursor, 3);
    expect(empty).toMatchObject({
      events: [],
      nextCursor: second.nextCursor,
      hasMore: false,
      headSeq: second.events[1].seq,
    });
    expect(second.nextCursor).toBe(second.events[1].position);
    expect(first.headSeq).toBe(second.events[1].seq);
  });

  it('never lets a reader skip an event committed out of order', async () => {
    const start = await caughtUp();
    const writers = Array.from({ length: 30 }, (_, i) =>
      ds.transaction(async (m) => {
        await outbox.append(m, { ...sampleViewEvent(`p${i}`), aggregateId: String(i) });
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

  describe('checks every event against the catalogue', () => {
    const paid = sampleOrderEvent(EVENTS.orderPaid, 2500);

    it.each([
      ['an event name it does not list', { ...paid, type: 'order.shipped' }, /not an event in the catalogue/],
      ['a field it does not name', { ...paid, payload: { ...paid.payload, totalMinor: 2500 } }, /totalMinor/],
      ['a missing field', { ...paid, payload: { ...paid.payload, total: undefined } }, /total/],
      ['money as a float', { ...paid, payload: { ...paid.payload, total: 25.5 } }, /total/],
      ['a status it does not know', { ...paid, payload: { ...paid.payload, status: 'SHIPPED' } }, /status/],
      ['a payload that is not an object', { ...paid, payload: [1] }, /must be an object/],
    ])('refuses to append %s, and writes nothing', async (_what, event, message) => {
      const before = await outbox.headSeq();
      const append = outbox.appendStandalone(drifted(event));
      await expect(append).rejects.toBeInstanceOf(UncataloguedEventError);
      await expect(append).rejects.toThrow(message);
      expect(await outbox.headSeq()).toBe(before);
    });

    it('appends and feeds a catalogued event unchanged', async () => {
      const [id] = await outbox.appendStandalone(paid);
      const page = await outbox.page('0', 1000);
      const stored = page.events.find((e) => e.id === id)!;
      expect(stored.payload).toEqual(paid.payload);
      expect(readEvent(stored)).toEqual({ type: EVENTS.orderPaid, payload: paid.payload });
    });
  });
});
