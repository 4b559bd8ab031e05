import { sql } from '@ha-shop/testkit';
import { LoneCheckout, startLoneCheckout } from './support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyService } from '../src/checkout/idempotency.service';

// Issue 14 item 6: after a lease takeover, the request that lost its lease must not complete or
// delete the record of the retry that now holds the key (real PostgreSQL, the service's own code).
describe('checkout idempotency records are fenced by a lock token', () => {
  let app: LoneCheckout;
  let records: IdempotencyService;

  beforeAll(async () => {
    app = await startLoneCheckout({ IDEMPOTENCY_WAIT_MS: '0' });
    records = app.svc.app.get(IdempotencyService);
  });
  afterAll(() => app?.close());

  /** A claims the key, its lease runs out (as if it stalled), B takes over. */
  const takeover = async (key: string) => {
    const a = await records.claim('user:fence', key, 'f'.repeat(64));
    await sql(
      app.db,
      `UPDATE idempotency_record SET locked_until = now() - interval '1 second' WHERE key = $1`,
      [key],
    );
    const b = await records.claim('user:fence', key, 'f'.repeat(64));
    if (a.kind !== 'owner' || b.kind !== 'owner') throw new Error('both should be owners');
    expect(b.takeover).toBe(true);
    expect(b.orderId).toBe(a.orderId);
    return { a, b };
  };
  const record = async (key: string) =>
    (await sql(app.db, 'SELECT status, response_status FROM idempotency_record WHERE key = $1', [key]))[0];

  it('the stalled owner cannot complete the record the new holder owns', async () => {
    const { a, b } = await takeover('k-complete');
    expect(await records.complete('user:fence', 'k-complete', a.lockToken, 201, { from: 'a' })).toBe(false);
    expect(await record('k-complete')).toMatchObject({ status: 'in_progress', response_status: null });
    expect(await records.complete('user:fence', 'k-complete', b.lockToken, 202, { from: 'b' })).toBe(true);
    expect(await record('k-complete')).toMatchObject({ status: 'completed', response_status: 202 });
  });

  it('the stalled owner cannot delete the record the new holder owns', async () => {
    const { a, b } = await takeover('k-abandon');
    expect(await records.abandon('user:fence', 'k-abandon', a.lockToken)).toBe(false);
    expect(await record('k-abandon')).toMatchObject({ status: 'in_progress' });
    expect(await records.abandon('user:fence', 'k-abandon', b.lockToken)).toBe(true);
    expect(await record('k-abandon')).toBeUndefined();
  });
});
