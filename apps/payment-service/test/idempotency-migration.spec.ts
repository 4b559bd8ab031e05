import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataSourceOptions, runMigrations } from '@ha-shop/database';
import { createTestDatabase, sql } from '@ha-shop/testkit';
import { PaymentEnv } from '../src/config/payment.env';
import { requestFingerprint } from '../src/idempotency/fingerprint';
import { IdempotencyService } from '../src/idempotency/idempotency.service';
import { SharedIdempotency1731100000001 } from '../src/migrations/1731100000001-shared-idempotency';
import { SCHEMA } from '../src/schema';

const BEFORE = (SCHEMA.migrations as unknown[]).filter((m) => m !== SharedIdempotency1731100000001);
const columns = async (url: string) =>
  (
    await sql<{ column_name: string }>(
      url,
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'idempotency_key' ORDER BY column_name`,
    )
  ).map((c) => c.column_name);

// Keys claimed before the shared mechanism must keep replaying (and keep their holder) across the upgrade.
describe('idempotency_key migration to the shared shape', () => {
  let url: string;
  const completedKey = randomUUID();
  const heldKey = randomUUID();
  const body = {
    orderId: randomUUID(),
    amount: 500,
    currency: 'EUR',
    customerId: null,
    card: { last4: '4242' },
  };
  const stored = '{"id":"p-1","status":"authorised"}';

  beforeAll(async () => {
    url = await createTestDatabase();
    await runMigrations({
      url,
      applicationName: 'migration-test',
      entities: [],
      migrations: BEFORE as never,
    });
    const former = requestFingerprint('POST', '/payments', body).former;
    await sql(
      url,
      `INSERT INTO idempotency_key (key, fingerprint, state, lock_token, locked_at, response_status, response_body,
         created_at, completed_at, expires_at)
       VALUES ($1, $2, 'completed', gen_random_uuid(), now() - interval '1 minute', 201, $3,
               now() - interval '1 minute', now() - interval '50 seconds', now() + interval '1 day'),
              ($4, $2, 'in_progress', gen_random_uuid(), now(), NULL, NULL, now(), NULL, now() + interval '1 day')`,
      [completedKey, former, stored, heldKey],
    );
  });

  it('keeps every key, replays one fingerprinted the former way, and goes back down', async () => {
    const applied = await runMigrations({ url, applicationName: 'migration-test', ...SCHEMA });
    expect(applied).toEqual(['SharedIdempotency1731100000001']);
    expect(await columns(url)).toEqual(
      [
        'created_at',
        'expires_at',
        'fingerprint',
        'key',
        'lock_token',
        'locked_until',
        'resource_id',
        'response_body',
        'response_status',
        'scope',
        'status',
        'updated_at',
      ].sort(),
    );
    const rows = await sql(
      url,
      `SELECT key, scope, status, response_body, extract(epoch FROM locked_until - created_at)::int AS lease
         FROM idempotency_key ORDER BY status`,
    );
    expect(rows).toEqual([
      { key: completedKey, scope: 'internal', status: 'completed', response_body: stored, lease: 90 },
      { key: heldKey, scope: 'internal', status: 'in_progress', response_body: null, lease: 90 },
    ]);

    const ds = await new DataSource(
      dataSourceOptions({ url, applicationName: 'migration-test', ...SCHEMA }),
    ).initialize();
    try {
      const keys = new IdempotencyService(ds, new PaymentEnv());
      const fp = requestFingerprint('POST', '/payments', body);
      const work = () => Promise.reject(new Error('a replay must not run the work'));
      expect(await keys.execute(completedKey, fp, work)).toEqual({
        status: 201,
        body: stored,
        replayed: true,
      });
      // Its holder still holds it: the lease carried over.
      await expect(keys.execute(heldKey, fp, work)).rejects.toMatchObject({
        slug: 'idempotency-in-progress',
      });

      await ds.undoLastMigration({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
    expect(await sql(url, 'SELECT key, state, response_body FROM idempotency_key ORDER BY state')).toEqual([
      { key: completedKey, state: 'completed', response_body: stored },
      { key: heldKey, state: 'in_progress', response_body: null },
    ]);
  });
});
