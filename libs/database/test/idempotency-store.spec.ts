import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemException } from '@ha-shop/service-kit';
import { createTestDatabase, sql } from '@ha-shop/testkit';
import { dataSourceOptions, fingerprint, IdempotencyLease, IdempotencyStore } from '../src';

// The columns every service's idempotency table has (their migrations make them); `widget` stands
// for the business change a completion commits with.
const DDL = [
  `CREATE TABLE idem (
     scope varchar(100) NOT NULL, key varchar(255) NOT NULL, fingerprint char(64) NOT NULL,
     status varchar(20) NOT NULL CHECK (status IN ('in_progress', 'completed')),
     resource_id uuid NOT NULL, lock_token uuid NOT NULL, locked_until timestamptz NOT NULL,
     response_status smallint, response_body text,
     created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL, PRIMARY KEY (scope, key))`,
  'CREATE TABLE widget (id uuid PRIMARY KEY)',
];

const FP = fingerprint({ amount: 100, currency: 'EUR' });

describe('IdempotencyStore (real PostgreSQL)', () => {
  let url: string;
  let ds: DataSource;
  let store: IdempotencyStore;

  beforeAll(async () => {
    url = await createTestDatabase();
    for (const statement of DDL) await sql(url, statement);
    ds = await new DataSource(
      dataSourceOptions({ url, applicationName: 'idempotency-test', entities: [], migrations: [] }),
    ).initialize();
    store = new IdempotencyStore(ds, {
      table: 'idem',
      leaseMs: 60_000,
      ttlSeconds: 3600,
      waitMs: 0,
      subject: 'request',
    });
  });
  afterAll(() => ds?.destroy());

  const owner = async (key: string, fp = FP): Promise<IdempotencyLease> => {
    const claim = await store.claim('s', key, fp);
    if (claim.kind !== 'owner') throw new Error(`expected to own ${key}, got a replay`);
    return claim;
  };
  const row = async (key: string) =>
    (
      await sql(url, 'SELECT status, resource_id, response_status, response_body FROM idem WHERE key = $1', [
        key,
      ])
    )[0];
  const endLease = (key: string) =>
    sql(url, `UPDATE idem SET locked_until = now() - interval '1 second' WHERE key = $1`, [key]);
  const expire = (key: string) =>
    sql(url, `UPDATE idem SET expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
  const problemStatus = (err: unknown) => (err instanceof ProblemException ? err.getStatus() : err);

  it('fingerprints canonically: field order does not matter, values do', () => {
    expect(fingerprint({ b: 1, a: [{ y: 2, x: null }] })).toBe(fingerprint({ a: [{ x: null, y: 2 }], b: 1 }));
    expect(fingerprint({ a: 1, b: undefined })).toBe(fingerprint({ a: 1 }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
    expect(fingerprint({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives a key to exactly one of many concurrent claims; the others get 409 with Retry-After', async () => {
    const key = randomUUID();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => store.claim('s', key, FP)));
    const owners = results.filter((r) => r.status === 'fulfilled');
    expect(owners).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      const err = (r as PromiseRejectedResult).reason as ProblemException;
      expect(problemStatus(err)).toBe(409);
      expect(err.headers).toEqual({ 'retry-after': '1' });
    }
  });

  it('replays the stored status and exact body once completed, and refuses another fingerprint with 422', async () => {
    const key = randomUUID();
    const lease = await owner(key);
    const body = '{"z":1,"a":"é"}';
    expect(await store.complete(lease, { status: 201, body })).toBe(true);
    expect(await store.claim('s', key, FP)).toEqual({ kind: 'replay', status: 201, body });
    const reused = await store.claim('s', key, fingerprint({ amount: 101 })).catch(problemStatus);
    expect(reused).toBe(422);
    // Scopes are apart: the same key in another scope is a new key.
    expect((await store.claim('other', key, fingerprint({ amount: 101 }))).kind).toBe('owner');
  });

  it('accepts a former fingerprint for rows written before the canonical one', async () => {
    const key = randomUUID();
    const lease = await owner(key, 'a'.repeat(64));
    await store.complete(lease, { status: 201, body: '{}' });
    expect((await store.claim('s', key, FP, 'a'.repeat(64))).kind).toBe('replay');
    expect(await store.claim('s', key, FP).catch(problemStatus)).toBe(422);
  });

  it('lets a retry take over only after the lease ran out, keeping the resource id', async () => {
    const key = randomUUID();
    const first = await owner(key);
    expect(await store.claim('s', key, FP).catch(problemStatus)).toBe(409);
    await endLease(key);
    expect(await store.claim('s', key, fingerprint({ other: true })).catch(problemStatus)).toBe(422);
    const second = await owner(key);
    expect(second).toMatchObject({ takeover: true, resourceId: first.resourceId });
    expect(second.lockToken).not.toBe(first.lockToken);
    expect(first.takeover).toBe(false);
  });

  it('waits for the holder when asked to, and replays what it stored meanwhile', async () => {
    const waiting = new IdempotencyStore(ds, {
      table: 'idem',
      leaseMs: 60_000,
      ttlSeconds: 3600,
      waitMs: 5000,
      subject: 'checkout',
    });
    const key = randomUUID();
    const lease = await owner(key);
    const replay = waiting.claim('s', key, FP);
    await store.complete(lease, { status: 202, body: '{"late":true}' });
    expect(await replay).toEqual({ kind: 'replay', status: 202, body: '{"late":true}' });
  });

  it('fences out a stale holder: its completion changes nothing and rolls back its transaction', async () => {
    const key = randomUUID();
    const stale = await owner(key);
    await endLease(key);
    const current = await owner(key);
    const widget = randomUUID();
    const failed = await ds
      .transaction(async (m) => {
        await m.query('INSERT INTO widget (id) VALUES ($1)', [widget]);
        await store.completeWithin(m, stale, { status: 201, body: '{"from":"stale"}' });
      })
      .catch(problemStatus);
    expect(failed).toBe(409);
    expect(await sql(url, 'SELECT 1 FROM widget WHERE id = $1', [widget])).toHaveLength(0);
    expect(await store.complete(stale, { status: 201, body: '{"from":"stale"}' })).toBe(false);
    expect(await row(key)).toMatchObject({ status: 'in_progress', response_status: null });

    await ds.transaction(async (m) => {
      await m.query('INSERT INTO widget (id) VALUES ($1)', [widget]);
      await store.completeWithin(m, current, { status: 201, body: '{"from":"current"}' });
    });
    expect(await sql(url, 'SELECT 1 FROM widget WHERE id = $1', [widget])).toHaveLength(1);
    expect(await row(key)).toMatchObject({ status: 'completed', response_body: '{"from":"current"}' });
  });

  it('a release by the old token after a takeover deletes nothing; by the holder it frees the key', async () => {
    const key = randomUUID();
    const stale = await owner(key);
    await endLease(key);
    const current = await owner(key);
    expect(await store.release(stale)).toBe(false);
    expect(await row(key)).toMatchObject({ status: 'in_progress', resource_id: current.resourceId });
    expect(await store.release(current)).toBe(true);
    expect(await row(key)).toBeUndefined();
    const fresh = await owner(key);
    expect(fresh.takeover).toBe(false);
    expect(fresh.resourceId).not.toBe(current.resourceId);
  });

  it('treats an expired key as new, and purges only expired rows that nobody holds', async () => {
    const completedExpired = randomUUID();
    const completedLive = randomUUID();
    const heldExpired = randomUUID();
    const abandonedExpired = randomUUID();
    for (const key of [completedExpired, completedLive]) {
      await store.complete(await owner(key), { status: 201, body: '{}' });
    }
    await owner(heldExpired);
    await owner(abandonedExpired);
    await endLease(abandonedExpired);
    for (const key of [completedExpired, heldExpired, abandonedExpired]) await expire(key);

    expect(await store.purgeExpired(1)).toBe(2);
    const left = await sql<{ key: string }>(url, 'SELECT key FROM idem WHERE key = ANY($1)', [
      [completedExpired, completedLive, heldExpired, abandonedExpired],
    ]);
    expect(left.map((r) => r.key).sort()).toEqual([completedLive, heldExpired].sort());

    await store.complete(await owner(completedExpired), { status: 201, body: '{"first":true}' });
    await expire(completedExpired);
    const renewed = await store.claim('s', completedExpired, fingerprint({ another: 'request' }));
    expect(renewed).toMatchObject({ kind: 'owner', takeover: false });
    expect(await row(completedExpired)).toMatchObject({ status: 'in_progress', response_body: null });
  });
});
