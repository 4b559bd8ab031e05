import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataSourceOptions, runMigrations } from '@ha-shop/database';
import { createTestDatabase, sql } from '@ha-shop/testkit';
import { IdempotencyService } from '../src/checkout/idempotency.service';
import { CheckoutEnv } from '../src/config/checkout.env';
import { SharedIdempotency1731300000005 } from '../src/migrations/1731300000005-shared-idempotency';
import { SCHEMA } from '../src/schema';

// A record from before the shared mechanism must still replay its response, and a record whose holder
// died must still resume the same order, after the upgrade.
describe('idempotency_record migration to the shared shape', () => {
  let url: string;
  const scope = 'user:migration';
  const fp = 'c'.repeat(64);
  const orderId = randomUUID();
  const heldOrderId = randomUUID();
  const response = { order: { id: orderId, status: 'PAID', totals: { grand: 1200 } } };

  beforeAll(async () => {
    url = await createTestDatabase();
    const before = (SCHEMA.migrations as unknown[]).filter((m) => m !== SharedIdempotency1731300000005);
    await runMigrations({
      url,
      applicationName: 'migration-test',
      entities: [],
      migrations: before as never,
    });
    await sql(
      url,
      `INSERT INTO idempotency_record (key, scope, fingerprint, status, order_id, locked_until, response_status,
         response_body, created_at)
       VALUES ('done', $1, $2, 'completed', $3, now(), 201, $4::jsonb, now() - interval '1 hour'),
              ('held', $1, $2, 'in_progress', $5, now() - interval '1 second', NULL, NULL, now() - interval '1 hour')`,
      [scope, fp, orderId, JSON.stringify(response), heldOrderId],
    );
  });

  it('keeps every record, replays the stored response, resumes the held order, and goes back down', async () => {
    expect(await runMigrations({ url, applicationName: 'migration-test', ...SCHEMA })).toEqual([
      'SharedIdempotency1731300000005',
    ]);
    expect(
      await sql(
        url,
        `SELECT key, resource_id, extract(epoch FROM expires_at - created_at)::int AS ttl
           FROM idempotency_record ORDER BY key`,
      ),
    ).toEqual([
      { key: 'done', resource_id: orderId, ttl: 24 * 3600 },
      { key: 'held', resource_id: heldOrderId, ttl: 24 * 3600 },
    ]);

    const ds = await new DataSource(
      dataSourceOptions({ url, applicationName: 'migration-test', ...SCHEMA }),
    ).initialize();
    try {
      const records = new IdempotencyService(
        ds,
        Object.assign(new CheckoutEnv(), { IDEMPOTENCY_WAIT_MS: 0 }),
      );
      expect(await records.claim(scope, 'done', fp)).toEqual({ kind: 'replay', status: 201, body: response });
      expect(await records.claim(scope, 'held', fp)).toMatchObject({
        kind: 'owner',
        takeover: true,
        orderId: heldOrderId,
      });
      await ds.undoLastMigration({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
    expect(
      await sql(url, 'SELECT key, order_id, response_body FROM idempotency_record ORDER BY key'),
    ).toEqual([
      { key: 'done', order_id: orderId, response_body: response },
      { key: 'held', order_id: heldOrderId, response_body: null },
    ]);
  });
});
