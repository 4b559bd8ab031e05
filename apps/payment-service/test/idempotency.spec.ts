import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiResponse, expectProblem, sql } from '@ha-shop/testkit';
import { IdempotencyService } from '../src/idempotency/idempotency.service';
import { TEST_CARDS } from '@ha-shop/service-kit';
import { countRows, paymentBody, PaymentService, startPaymentService } from './support';

const FAULT_SECRET = randomUUID();

describe('idempotency keys', () => {
  let ps: PaymentService;

  beforeAll(async () => {
    ps = await startPaymentService({ FAULT_INJECTION_SECRET: FAULT_SECRET });
  });
  afterAll(() => ps.close());

  const setLatency = async (latencyMs: number) => {
    const res = await ps.api.raw.put(
      '/internal/faults',
      { latencyMs },
      { headers: { 'x-fault-secret': FAULT_SECRET } },
    );
    expect(res.status).toBe(200);
  };

  /** What a well-behaved client does: retry 409 in-progress answers after Retry-After. */
  const payUntilSettled = async (body: unknown, key: string): Promise<ApiResponse> => {
    for (;;) {
      const res = await ps.api.pay(body, key);
      if (res.status !== 409) return res;
      const problem = expectProblem(res, 409);
      expect(problem.type).toBe('https://ha-shop.dev/problems/idempotency-in-progress');
      expect(res.headers.get('retry-after')).toBe('1');
      await sleep(Number(res.headers.get('retry-after')) * 1000);
    }
  };

  const waitForKeyState = async (key: string, state: string) => {
    for (let i = 0; i < 500; i++) {
      const rows = await sql<{ status: string }>(ps.db, 'SELECT status FROM idempotency_key WHERE key = $1', [
        key,
      ]);
      if (rows[0]?.status === state) return;
      await sleep(10);
    }
    throw new Error(`key never reached ${state}`);
  };

  it('replays the first response for the same key and body: same status, same bytes, a replay header', async () => {
    const key = randomUUID();
    const body = paymentBody();
    const first = await ps.api.pay(body, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    for (let i = 0; i < 3; i++) {
      const replay = await ps.api.pay(body, key);
      expect(replay.status).toBe(first.status);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(JSON.stringify(replay.body)).toBe(JSON.stringify(first.body));
    }
    expect(await countRows(ps.db, 'payment', 'order_id = $1', [body.orderId])).toBe(1);
    const [row] = await sql<{ status: string; seconds: number }>(
      ps.db,
      'SELECT status, extract(epoch FROM expires_at - created_at)::int AS seconds FROM idempotency_key WHERE key = $1',
      [key],
    );
    expect(row).toEqual({ status: 'completed', seconds: 24 * 60 * 60 });
  });

  it('replays declines too: a decline is a completed outcome, not an error', async () => {
    const key = randomUUID();
    const body = paymentBody({}, { number: TEST_CARDS.declined });
    const first = await ps.api.pay(body, key);
    const replay = await ps.api.pay(body, key);
    expect(first.body.status).toBe('declined');
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses the same key with a different body (or on another route) with 422', async () => {
    const key = randomUUID();
    const body = paymentBody();
    const first = await ps.api.pay(body, key);
    for (const changed of [
      { ...body, amount: body.amount + 1 },
      { ...body, orderId: randomUUID() },
      { ...body, currency: 'USD' },
      { ...body, customerId: randomUUID() },
      { ...body, card: { ...body.card, number: TEST_CARDS.mastercard } },
      { ...body, card: { ...body.card, expMonth: 11 } },
    ]) {
      const problem = expectProblem(await ps.api.pay(changed, key), 422);
      expect(problem.type).toBe('https://ha-shop.dev/problems/idempotency-key-reused');
    }
    expectProblem(await ps.api.refund(first.body.id, {}, key), 422);
    expect(await countRows(ps.db, 'payment', 'order_id = $1', [body.orderId])).toBe(1);
    expect((await ps.api.get(`/payments/${first.body.id}`)).body.refundedAmount).toBe(0);
  });

  it('answers 409 with Retry-After while the first request is still processing', async () => {
    await setLatency(1500);
    try {
      const key = randomUUID();
      const body = paymentBody();
      const first = ps.api.pay(body, key);
      await waitForKeyState(key, 'in_progress');
      const concurrent = await ps.api.pay(body, key);
      expectProblem(concurrent, 409);
      expect(concurrent.headers.get('retry-after')).toBe('1');
      // A different body is refused even while the first is in flight.
      expectProblem(await ps.api.pay({ ...body, amount: 1 }, key), 422);
      expect((await first).status).toBe(201);
      expect((await ps.api.pay(body, key)).headers.get('idempotent-replayed')).toBe('true');
    } finally {
      await setLatency(0);
    }
  });

  it('turns 50 concurrent identical requests into exactly one payment and identical answers', async () => {
    await setLatency(200);
    try {
      const key = randomUUID();
      const body = paymentBody();
      const results = await Promise.all(Array.from({ length: 50 }, () => payUntilSettled(body, key)));
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
      expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
      // Exactly one request did the work; every other answer is a replay of it.
      expect(results.filter((r) => r.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
      expect(await countRows(ps.db, 'payment', 'order_id = $1', [body.orderId])).toBe(1);
      expect(await countRows(ps.db, 'outbox_event', 'aggregate_id = $1', [results[0].body.id])).toBe(1);
    } finally {
      await setLatency(0);
    }
  });

  it('lets a retry take over a key whose owner is presumed dead, and the old owner cannot commit', async () => {
    await setLatency(1500);
    try {
      const key = randomUUID();
      const body = paymentBody();
      const original = ps.api.pay(body, key);
      await waitForKeyState(key, 'in_progress');
      // As if the owner had held the key past IDEMPOTENCY_LOCK_TIMEOUT_MS (a crashed replica).
      await sql(
        ps.db,
        `UPDATE idempotency_key SET locked_until = now() - interval '1 second' WHERE key = $1`,
        [key],
      );
      const takeover = await ps.api.pay(body, key);
      expect(takeover.status).toBe(201);
      expect(takeover.headers.get('idempotent-replayed')).toBeNull();
      const stale = await original;
      expectProblem(stale, 409);
      expect(await countRows(ps.db, 'payment', 'order_id = $1', [body.orderId])).toBe(1);
      const replay = await ps.api.pay(body, key);
      expect(replay.body).toEqual(takeover.body);
    } finally {
      await setLatency(0);
    }
  });

  it('treats an expired key as new, and the cleanup deletes expired keys only', async () => {
    const expiredKey = randomUUID();
    const liveKey = randomUUID();
    await ps.api.pay(paymentBody(), expiredKey);
    await ps.api.pay(paymentBody(), liveKey);
    await sql(ps.db, `UPDATE idempotency_key SET expires_at = now() - interval '1 second' WHERE key = $1`, [
      expiredKey,
    ]);

    const other = paymentBody();
    const reused = await ps.api.pay(other, expiredKey);
    expect(reused.status).toBe(201);
    expect(reused.headers.get('idempotent-replayed')).toBeNull();
    expect(reused.body.orderId).toBe(other.orderId);

    await sql(ps.db, `UPDATE idempotency_key SET expires_at = now() - interval '1 second' WHERE key = $1`, [
      expiredKey,
    ]);
    expect(await ps.svc.app.get(IdempotencyService).purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await countRows(ps.db, 'idempotency_key', 'key = $1', [expiredKey])).toBe(0);
    expect(await countRows(ps.db, 'idempotency_key', 'key = $1', [liveKey])).toBe(1);
  });
});
