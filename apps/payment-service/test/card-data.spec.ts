import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogDestination, TEST_CARDS } from '@ha-shop/service-kit';
import { sql } from '@ha-shop/testkit';
import { paymentBody, PaymentService, startPaymentService } from './support';

// Numbers that appear nowhere else in a run, so any trace of them is a leak.
const PLAIN_CARD = '4111111111111111';
const BAD_LUHN_CARD = '4111111111111112';
const CVC = '8529';

describe('card data', () => {
  let ps: PaymentService;
  const output: string[] = [];

  beforeAll(async () => {
    setLogDestination({ write: (line: string) => void output.push(line) });
    ps = await startPaymentService({ LOG_LEVEL: 'trace', FAULT_INJECTION_SECRET: randomUUID() });

    const cards = [PLAIN_CARD, TEST_CARDS.declined, TEST_CARDS.processingError, BAD_LUHN_CARD];
    for (const number of cards) {
      const key = randomUUID();
      const body = paymentBody({}, { number, cvc: CVC });
      await ps.api.pay(body, key);
      await ps.api.pay(body, key);
      await ps.api.pay({ ...body, amount: 1 }, key);
    }
    // Validation failures with card data in the rejected body.
    await ps.api.pay(paymentBody({ extra: 1 }, { number: PLAIN_CARD, cvc: CVC }));
    await ps.api.pay(paymentBody({}, { number: PLAIN_CARD, cvc: `${CVC}1` }));
    await ps.api.pay(paymentBody({}, { number: `${PLAIN_CARD}x`, cvc: CVC }));
    await ps.api.pay(paymentBody({}, { number: PLAIN_CARD, cvc: CVC }), null);
    await ps.api.raw.request('POST', '/payments', {
      rawBody: `{"card":{"number":"${PLAIN_CARD}","cvc":"${CVC}"`,
      headers: ps.api.headers(randomUUID()),
    });
  });

  afterAll(async () => {
    await ps.close();
    setLogDestination(undefined);
  });

  it('keeps only brand and last four digits in the database', async () => {
    const columns = await sql<{ table_name: string; column_name: string }>(
      ps.db,
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND (column_name ~* '(cvc|cvv|pan|card_number|number)')`,
    );
    expect(columns).toEqual([]);
    const tables = await sql<{ table_name: string }>(
      ps.db,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['payment', 'refund', 'idempotency_key', 'outbox_event']),
    );
    for (const { table_name } of tables) {
      const leaks = await sql<{ n: number }>(
        ps.db,
        `SELECT count(*)::int AS n FROM "${table_name}" t
         WHERE t::text ~ $1 OR t::text ~* 'cvc' OR t::text LIKE '%' || $2 || '%'`,
        [`${PLAIN_CARD}|${TEST_CARDS.declined}|${TEST_CARDS.processingError}|${BAD_LUHN_CARD}`, `"${CVC}"`],
      );
      expect({ table: table_name, leaks: leaks[0].n }).toEqual({ table: table_name, leaks: 0 });
    }
    const stored = await sql(ps.db, `SELECT card_brand, card_last4 FROM payment ORDER BY created_at`);
    expect(stored).toEqual([
      { card_brand: 'visa', card_last4: '1111' },
      { card_brand: 'visa', card_last4: '0002' },
    ]);
  });

  it('never writes card numbers or CVCs to the logs', () => {
    const logs = output.join('');
    // The capture works: request and error lines are there.
    expect(logs).toContain('"service":"payment-service"');
    expect(logs).toContain('payment-processing-error');
    for (const secret of [PLAIN_CARD, BAD_LUHN_CARD, TEST_CARDS.declined, TEST_CARDS.processingError]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toMatch(/cvc/i);
    expect(logs).not.toContain(`"${CVC}"`);
  });
});
