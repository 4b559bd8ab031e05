import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, sql } from '@ha-shop/testkit';
import { TEST_CARDS } from '@ha-shop/service-kit';
import { countRows, paymentBody, PaymentService, startPaymentService } from './support';

describe('refunds', () => {
  let ps: PaymentService;

  beforeAll(async () => {
    ps = await startPaymentService();
  });
  afterAll(() => ps.close());

  const authorised = async (amount = 2599) => {
    const res = await ps.api.pay(paymentBody({ amount }));
    expect(res.body.status).toBe('authorised');
    return res.body as { id: string; orderId: string };
  };

  it('refunds part, then the rest, then refuses more with 422', async () => {
    const payment = await authorised(2599);
    const partial = await ps.api.refund(payment.id, { amount: 1000 });
    expect(partial.status).toBe(201);
    expect(partial.body).toEqual({
      id: expect.any(String),
      paymentId: payment.id,
      orderId: payment.orderId,
      status: 'succeeded',
      amount: 1000,
      currency: 'EUR',
      paymentRefundedAmount: 1000,
      createdAt: expect.any(String),
    });
    expect((await ps.api.get(`/payments/${payment.id}`)).body.refundedAmount).toBe(1000);

    const rest = await ps.api.refund(payment.id, {});
    expect(rest.status).toBe(201);
    expect(rest.body).toMatchObject({ amount: 1599, paymentRefundedAmount: 2599 });

    const more = expectProblem(await ps.api.refund(payment.id, { amount: 1 }), 422);
    expect(more).toMatchObject({
      type: 'https://ha-shop.dev/problems/refund-exceeds-remaining',
      remaining: 0,
    });
    expectProblem(await ps.api.refund(payment.id, {}), 422);
    expect(await countRows(ps.db, 'refund', 'payment_id = $1', [payment.id])).toBe(2);
  });

  it('refuses a refund above the captured amount with 422 and changes nothing', async () => {
    const payment = await authorised(2599);
    const problem = expectProblem(await ps.api.refund(payment.id, { amount: 2600 }), 422);
    expect(problem.remaining).toBe(2599);
    const [row] = await sql(ps.db, 'SELECT refunded_amount FROM payment WHERE id = $1', [payment.id]);
    expect(row.refunded_amount).toBe(0);
    expect(await countRows(ps.db, 'refund', 'payment_id = $1', [payment.id])).toBe(0);
  });

  it('refuses to refund a declined payment with 409', async () => {
    const declined = await ps.api.pay(paymentBody({}, { number: TEST_CARDS.declined }));
    const problem = expectProblem(await ps.api.refund(declined.body.id, {}), 409);
    expect(problem).toMatchObject({
      type: 'https://ha-shop.dev/problems/payment-not-refundable',
      paymentStatus: 'declined',
    });
    expectProblem(await ps.api.refund(declined.body.id, { amount: 1 }), 409);
  });

  it('is idempotent: a replay returns the same refund, a different amount on the key is 422', async () => {
    const payment = await authorised(2599);
    const key = randomUUID();
    const first = await ps.api.refund(payment.id, { amount: 500 }, key);
    const replay = await ps.api.refund(payment.id, { amount: 500 }, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(JSON.stringify(replay.body)).toBe(JSON.stringify(first.body));
    expectProblem(await ps.api.refund(payment.id, { amount: 600 }, key), 422);
    expectProblem(await ps.api.refund(payment.id, {}, key), 422);
    expect(await countRows(ps.db, 'refund', 'payment_id = $1', [payment.id])).toBe(1);
    expect((await ps.api.get(`/payments/${payment.id}`)).body.refundedAmount).toBe(500);
  });

  it('does not consume the key of a refused refund', async () => {
    const payment = await authorised(1000);
    const key = randomUUID();
    expectProblem(await ps.api.refund(payment.id, { amount: 5000 }, key), 422);
    expect(await countRows(ps.db, 'idempotency_key', 'key = $1', [key])).toBe(0);
  });

  it('never refunds more than the amount under concurrent refunds', async () => {
    const payment = await authorised(2599);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => ps.api.refund(payment.id, { amount: 500 })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(5).fill(201), ...Array(5).fill(422)]);
    const [row] = await sql<{ refunded: number; total: number }>(
      ps.db,
      `SELECT p.refunded_amount AS refunded, (SELECT sum(amount)::int FROM refund WHERE payment_id = p.id) AS total
       FROM payment p WHERE p.id = $1`,
      [payment.id],
    );
    expect(row).toEqual({ refunded: 2500, total: 2500 });
  });

  it('writes a payment.refunded outbox event with each refund', async () => {
    const payment = await authorised(2000);
    const refund = await ps.api.refund(payment.id, { amount: 700 });
    const events = await sql<{ type: string; payload: Record<string, unknown> }>(
      ps.db,
      `SELECT type, payload FROM outbox_event WHERE aggregate_id = $1 ORDER BY seq`,
      [payment.id],
    );
    expect(events.map((e) => e.type)).toEqual(['payment.authorised', 'payment.refunded']);
    expect(events[1].payload).toEqual({
      paymentId: payment.id,
      refundId: refund.body.id,
      orderId: payment.orderId,
      amount: 700,
      currency: 'EUR',
      refundedAmount: 700,
    });
  });
});
