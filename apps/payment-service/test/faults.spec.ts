import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, testEnv } from '@ha-shop/testkit';
import { EnvValidationError, TEST_CARDS } from '@ha-shop/service-kit';
import { AppModule } from '../src/app.module';
import { countRows, paymentBody, PaymentService, startPaymentService } from './support';

const SECRET: string = randomUUID();

describe('fault-injection switch', () => {
  describe('without FAULT_INJECTION_SECRET', () => {
    let ps: PaymentService;
    beforeAll(async () => {
      ps = await startPaymentService();
    });
    afterAll(() => ps.close());

    it('does not exist: 404 whatever the caller sends', async () => {
      expectProblem(await ps.api.raw.get('/internal/faults'), 404);
      expectProblem(await ps.api.raw.get('/internal/faults', { headers: { 'x-fault-secret': SECRET } }), 404);
      expectProblem(
        await ps.api.raw.put('/internal/faults', { outageRate: 1 }, { headers: { 'x-fault-secret': '' } }),
        404,
      );
    });
  });

  describe('with a secret and an outage configured by env', () => {
    let ps: PaymentService;
    const faults = (body?: unknown, secret = SECRET) =>
      body === undefined
        ? ps.api.raw.get('/internal/faults', { headers: { 'x-fault-secret': secret } })
        : ps.api.raw.put('/internal/faults', body, { headers: { 'x-fault-secret': secret } });

    beforeAll(async () => {
      ps = await startPaymentService({
        FAULT_INJECTION_SECRET: SECRET,
        PAYMENT_OUTAGE_RATE: '1',
        PAYMENT_LATENCY_MS: '5',
      });
    });
    afterAll(() => ps.close());

    it('refuses callers without the right secret with 403', async () => {
      expectProblem(await ps.api.raw.get('/internal/faults'), 403);
      expectProblem(await faults(undefined, 'wrong'), 403);
      expectProblem(await faults(undefined, SECRET + 'x'), 403);
      expectProblem(await faults({ outageRate: 0 }, 'wrong'), 403);
      expectProblem(await ps.api.raw.put('/internal/faults', { outageRate: 0 }), 403);
    });

    it('answers 503 with Retry-After during an outage, records nothing, and the same key works afterwards', async () => {
      expect((await faults()).body).toEqual({ latencyMs: 5, declineRate: 0, outageRate: 1 });
      const key = randomUUID();
      const body = paymentBody();
      for (let i = 0; i < 3; i++) {
        const res = await ps.api.pay(body, key);
        expectProblem(res, 503);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expectProblem(await ps.api.get(`/payments?orderId=${body.orderId}`), 503);
      expect(await countRows(ps.db, 'payment', 'order_id = $1', [body.orderId])).toBe(0);
      expect(await countRows(ps.db, 'idempotency_key', 'key = $1', [key])).toBe(0);

      const changed = await faults({ outageRate: 0 });
      expect(changed.status).toBe(200);
      expect(changed.body).toEqual({ latencyMs: 5, declineRate: 0, outageRate: 0 });
      const res = await ps.api.pay(body, key);
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('authorised');
      expect(res.headers.get('idempotent-replayed')).toBeNull();
      expect(await countRows(ps.db, 'payment', 'order_id = $1', [body.orderId])).toBe(1);
    });

    it('declines at the configured rate, except the always-authorise card', async () => {
      await faults({ outageRate: 0, declineRate: 1 });
      try {
        const visa = await ps.api.pay(paymentBody());
        expect(visa.body).toMatchObject({ status: 'declined', declineCode: 'card_declined' });
        const control = await ps.api.pay(paymentBody({}, { number: TEST_CARDS.alwaysAuthorised }));
        expect(control.body.status).toBe('authorised');
      } finally {
        await faults({ declineRate: 0 });
      }
    });

    it('validates the settings with 400 problems', async () => {
      for (const bad of [
        { declineRate: 1.5 },
        { outageRate: -0.1 },
        { latencyMs: -1 },
        { latencyMs: 60_001 },
        { latencyMs: 1.5 },
        { declineRate: '0.5' },
        { chaos: true },
        [],
      ]) {
        expectProblem(await faults(bad), 400);
      }
      expectProblem(
        await ps.api.raw.request('PUT', '/internal/faults', {
          rawBody: '{',
          headers: { 'x-fault-secret': SECRET },
        }),
        400,
      );
      expect((await faults({})).body).toEqual({ latencyMs: 5, declineRate: 0, outageRate: 0 });
    });
  });

  it('rejects invalid chaos settings in the environment at start', () => {
    for (const bad of [
      { PAYMENT_DECLINE_RATE: '2' },
      { PAYMENT_OUTAGE_RATE: 'often' },
      { PAYMENT_LATENCY_MS: '-5' },
    ]) {
      expect(() =>
        AppModule.forRoot(testEnv({ DATABASE_URL: 'postgres://x@127.0.0.1:1/x', ...bad })),
      ).toThrow(EnvValidationError);
    }
  });
});
