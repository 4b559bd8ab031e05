import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, sql } from '@ha-shop/testkit';
import { TEST_CARDS } from '@ha-shop/service-kit';
import { countRows, NEXT_YEAR, paymentBody, PaymentService, startPaymentService } from './support';

describe('payments', () => {
  let ps: PaymentService;

  beforeAll(async () => {
    ps = await startPaymentService();
  });
  afterAll(() => ps.close());

  it('authorises a good card and answers with the payment object', async () => {
    const body = paymentBody({ customerId: randomUUID() });
    const res = await ps.api.pay(body);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(res.body).toEqual({
      id: expect.any(String),
      status: 'authorised',
      amount: 2599,
      currency: 'EUR',
      orderId: body.orderId,
      customerId: body.customerId,
      cardBrand: 'visa',
      cardLast4: '4242',
      refundedAmount: 0,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(JSON.stringify(res.body)).not.toContain(TEST_CARDS.visa);

    const got = await ps.api.get(`/payments/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it.each([
    ['declined', TEST_CARDS.declined, 'card_declined'],
    ['insufficientFunds', TEST_CARDS.insufficientFunds, 'insufficient_funds'],
    ['expiredCard', TEST_CARDS.expiredCard, 'expired_card'],
    ['incorrectCvc', TEST_CARDS.incorrectCvc, 'incorrect_cvc'],
  ])('declines the %s test card with a 201 and a decline code', async (_name, number, declineCode) => {
    const res = await ps.api.pay(paymentBody({}, { number }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'declined', declineCode, cardLast4: number.slice(-4) });
    const [row] = await sql(ps.db, 'SELECT status, decline_code FROM payment WHERE id = $1', [res.body.id]);
    expect(row).toEqual({ status: 'declined', decline_code: declineCode });
  });

  it('authorises other valid cards and declines cards whose expiry month has passed', async () => {
    const mc = await ps.api.pay(paymentBody({}, { number: TEST_CARDS.mastercard }));
    expect(mc.body).toMatchObject({ status: 'authorised', cardBrand: 'mastercard', cardLast4: '4444' });
    expect(mc.body).not.toHaveProperty('declineCode');
    const always = await ps.api.pay(paymentBody({}, { number: TEST_CARDS.alwaysAuthorised }));
    expect(always.body.status).toBe('authorised');
    const amex = await ps.api.pay(paymentBody({}, { number: '378282246310005', cvc: '1234' }));
    expect(amex.body).toMatchObject({ status: 'authorised', cardBrand: 'amex', cardLast4: '0005' });
    const expired = await ps.api.pay(paymentBody({}, { expYear: new Date().getUTCFullYear() - 1 }));
    expect(expired.body).toMatchObject({ status: 'declined', declineCode: 'expired_card' });
  });

  it('answers the processing-error card with a retryable 502, records nothing and keeps the key usable', async () => {
    const key = randomUUID();
    const body = paymentBody({}, { number: TEST_CARDS.processingError });
    const res = await ps.api.pay(body, key);
    const problem = expectProblem(res, 502);
    expect(problem.type).toBe('https://ha-shop.dev/problems/payment-processing-error');
    expect(problem.retryable).toBe(true);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await countRows(ps.db, 'payment', 'order_id = $1', [body.orderId])).toBe(0);
    expect(await countRows(ps.db, 'idempotency_key', 'key = $1', [key])).toBe(0);
    // The key was not consumed: a corrected request with the same key is processed.
    const retry = await ps.api.pay({ ...body, card: { ...body.card, number: TEST_CARDS.visa } }, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });

  it('normalises upper-case ids, so the answer matches later reads and refunds', async () => {
    const orderId = randomUUID();
    const res = await ps.api.pay(paymentBody({ orderId: orderId.toUpperCase() }));
    expect(res.body.orderId).toBe(orderId);
    expect((await ps.api.get(`/payments/${res.body.id.toUpperCase()}`)).body).toEqual(res.body);
    const key = randomUUID();
    const refund = await ps.api.refund(res.body.id.toUpperCase(), { amount: 1 }, key);
    expect(refund.body.paymentId).toBe(res.body.id);
    const replay = await ps.api.refund(res.body.id, { amount: 1 }, key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('lists the payments of an order, oldest first', async () => {
    const orderId = randomUUID();
    const first = await ps.api.pay(paymentBody({ orderId }, { number: TEST_CARDS.declined }));
    const second = await ps.api.pay(paymentBody({ orderId }));
    const res = await ps.api.get(`/payments?orderId=${orderId}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((p: { id: string }) => p.id)).toEqual([first.body.id, second.body.id]);
    expect((await ps.api.get(`/payments?orderId=${randomUUID()}`)).body).toEqual({ items: [] });
  });

  it('writes one outbox event per payment, in the same transaction, served on the event feed', async () => {
    const authorised = await ps.api.pay(paymentBody());
    const declined = await ps.api.pay(paymentBody({}, { number: TEST_CARDS.insufficientFunds }));
    const events = await sql<{ type: string; aggregate_id: string; payload: Record<string, unknown> }>(
      ps.db,
      'SELECT type, aggregate_id, payload FROM outbox_event WHERE aggregate_id = ANY($1) ORDER BY seq',
      [[authorised.body.id, declined.body.id]],
    );
    expect(events).toEqual([
      {
        type: 'payment.authorised',
        aggregate_id: authorised.body.id,
        payload: expect.objectContaining({ paymentId: authorised.body.id, amount: 2599, currency: 'EUR' }),
      },
      {
        type: 'payment.declined',
        aggregate_id: declined.body.id,
        payload: expect.objectContaining({ paymentId: declined.body.id, declineCode: 'insufficient_funds' }),
      },
    ]);
    // Every payment row so far has exactly one event.
    const [mismatch] = await sql<{ n: number }>(
      ps.db,
      `SELECT count(*)::int AS n FROM payment p
       WHERE (SELECT count(*) FROM outbox_event e WHERE e.aggregate_id = p.id::text AND e.type IN ('payment.authorised', 'payment.declined')) <> 1`,
    );
    expect(mismatch.n).toBe(0);
    const feed = await ps.api.get('/events?after=0&limit=1000');
    expect(feed.status).toBe(200);
    expect(feed.body.source).toBe('payment-service');
    expect(feed.body.events.map((e: { aggregateId: string }) => e.aggregateId)).toEqual(
      expect.arrayContaining([authorised.body.id, declined.body.id]),
    );
  });

  it('needs the internal token on every route', async () => {
    const noToken = { headers: { 'idempotency-key': randomUUID() } };
    expectProblem(await ps.api.raw.post('/payments', paymentBody(), noToken), 403);
    expectProblem(await ps.api.raw.post(`/payments/${randomUUID()}/refund`, {}, noToken), 403);
    expectProblem(await ps.api.raw.get(`/payments/${randomUUID()}`), 403);
    expectProblem(await ps.api.raw.get(`/payments?orderId=${randomUUID()}`), 403);
    const wrong = { headers: { 'x-internal-token': 'nope', 'idempotency-key': randomUUID() } };
    expectProblem(await ps.api.raw.post('/payments', paymentBody(), wrong), 403);
  });

  describe('bad input gets a 4xx problem and leaves no trace', () => {
    const card = (c: Record<string, unknown>) => paymentBody({}, c);
    const cases: Array<[string, unknown, number]> = [
      ['missing card', { orderId: randomUUID(), amount: 100, currency: 'EUR' }, 400],
      ['card as a string', paymentBody({ card: TEST_CARDS.visa }), 400],
      ['card as an array', paymentBody({ card: [TEST_CARDS.visa] }), 400],
      ['number with letters', card({ number: '4242abcd42424242' }), 400],
      ['number too short', card({ number: '424242424242' }), 400],
      ['number too long', card({ number: '42424242424242424242' }), 400],
      ['number as a JSON number', card({ number: 4242424242424242 }), 400],
      ['number with spaces', card({ number: '4242 4242 4242 4242' }), 400],
      ['failing Luhn', card({ number: '4242424242424241' }), 422],
      ['cvc too long', card({ cvc: '12345' }), 400],
      ['cvc as a number', card({ cvc: 123 }), 400],
      ['month 13', card({ expMonth: 13 }), 400],
      ['month 0', card({ expMonth: 0 }), 400],
      ['year 99', card({ expYear: 99 }), 400],
      ['year as a string', card({ expYear: String(NEXT_YEAR) }), 400],
      ['unknown card field', card({ holder: 'A' }), 400],
      ['unknown top-level field', paymentBody({ status: 'authorised' }), 400],
      ['amount 0', paymentBody({ amount: 0 }), 400],
      ['negative amount', paymentBody({ amount: -5 }), 400],
      ['fractional amount', paymentBody({ amount: 10.5 }), 400],
      ['amount as a string', paymentBody({ amount: '100' }), 400],
      ['amount too large', paymentBody({ amount: 100_000_001 }), 400],
      ['lower-case currency', paymentBody({ currency: 'eur' }), 400],
      ['unknown currency', paymentBody({ currency: 'ABC' }), 400],
      ['orderId not a uuid', paymentBody({ orderId: 'order-1' }), 400],
      ['customerId not a uuid', paymentBody({ customerId: 42 }), 400],
      ['body is an array', [paymentBody()], 400],
      ['body is null', null, 400],
    ];

    it.each(cases)('POST /payments: %s', async (_name, body, status) => {
      const before = await countRows(ps.db, 'idempotency_key');
      const key = randomUUID();
      const problem = expectProblem(
        await ps.api.raw.post('/payments', body, { headers: ps.api.headers(key) }),
        status,
      );
      expect(JSON.stringify(problem)).not.toMatch(/4242424242424241|4242424242424242/);
      expect(await countRows(ps.db, 'idempotency_key')).toBe(before);
    });

    it('POST /payments: malformed JSON, wrong media type, empty body', async () => {
      const headers = ps.api.headers(randomUUID());
      expectProblem(await ps.api.raw.request('POST', '/payments', { rawBody: '{"orderId":', headers }), 400);
      expectProblem(
        await ps.api.raw.request('POST', '/payments', {
          rawBody: 'x',
          headers: { ...headers, 'content-type': 'text/plain' },
        }),
        415,
      );
      expectProblem(await ps.api.raw.request('POST', '/payments', { headers }), 400);
    });

    it('POST /payments: missing, empty or oversized Idempotency-Key', async () => {
      const missing = expectProblem(await ps.api.pay(paymentBody(), null), 400);
      expect(missing.type).toBe('https://ha-shop.dev/problems/idempotency-key-required');
      const empty = expectProblem(await ps.api.pay(paymentBody(), ''), 400);
      expect(empty.type).toBe('https://ha-shop.dev/problems/invalid-idempotency-key');
      expectProblem(await ps.api.pay(paymentBody(), 'k'.repeat(256)), 400);
      expectProblem(await ps.api.pay(paymentBody(), 'has spaces'), 400);
      expect((await ps.api.pay(paymentBody(), 'k'.repeat(255))).status).toBe(201);
    });

    it('GET /payments/{id} and GET /payments?orderId=', async () => {
      expectProblem(await ps.api.get('/payments/not-a-uuid'), 400);
      const nf = expectProblem(await ps.api.get(`/payments/${randomUUID()}`), 404);
      expect(nf.type).toBe('https://ha-shop.dev/problems/payment-not-found');
      expectProblem(await ps.api.get('/payments'), 400);
      expectProblem(await ps.api.get('/payments?orderId=abc'), 400);
      expectProblem(await ps.api.get(`/payments?orderId=${randomUUID()}&limit=5`), 400);
      expectProblem(await ps.api.get(`/payments?orderId=${randomUUID()}&orderId=${randomUUID()}`), 400);
    });

    it('POST /payments/{id}/refund', async () => {
      const paid = await ps.api.pay(paymentBody());
      const id = paid.body.id as string;
      expectProblem(await ps.api.refund('not-a-uuid', {}), 400);
      expectProblem(await ps.api.refund(id, { amount: 0 }), 400);
      expectProblem(await ps.api.refund(id, { amount: '5' }), 400);
      expectProblem(await ps.api.refund(id, { amount: 1.5 }), 400);
      expectProblem(await ps.api.refund(id, { amount: 100_000_001 }), 400);
      expectProblem(await ps.api.refund(id, { amount: 5, reason: 'x' }), 400);
      expectProblem(await ps.api.refund(id, {}, null), 400);
      expectProblem(await ps.api.refund(id, {}, ''), 400);
      const nf = expectProblem(await ps.api.refund(randomUUID(), {}), 404);
      expect(nf.type).toBe('https://ha-shop.dev/problems/payment-not-found');
      expect((await ps.api.get(`/payments/${id}`)).body.refundedAmount).toBe(0);
    });
  });
});
