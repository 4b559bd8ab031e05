import { randomUUID } from 'node:crypto';
import { sql, waitFor } from '@ha-shop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardVault } from '../src/checkout/card-vault';
import {
  CARDS,
  checkout,
  checkoutBody,
  checkoutSql,
  FAST_WORKER_ENV,
  guestCart,
  seedProduct,
  setPaymentFaults,
  SETTLE,
  Shop,
  startShop,
} from './support';

// Issue 14 item 5 (PCI DSS 3.3.1): the card is stored only while a charge is parked, sealed and
// without its CVC, and nothing of it remains once the order leaves PENDING_PAYMENT.

/** Rows of every table of a database whose text form contains `needle`, by table. */
async function tablesContaining(db: string, needle: string): Promise<string[]> {
  const tables = await sql<{ name: string }>(
    db,
    `SELECT quote_ident(table_name) AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const found: string[] = [];
  for (const { name } of tables) {
    const [{ n }] = await sql<{ n: number }>(
      db,
      `SELECT count(*)::int AS n FROM ${name} t WHERE t::text LIKE $1`,
      [`%${needle}%`],
    );
    if (n > 0) found.push(name);
  }
  return found;
}

describe('card data at rest', () => {
  let shop: Shop;
  let sku: string;

  beforeAll(async () => {
    shop = await startShop({ checkoutEnv: FAST_WORKER_ENV });
    [sku] = await seedProduct(shop, [{ price: 1500, stock: 20 }]);
  });
  afterAll(() => shop?.close());

  it('stores no card while the first charge is in flight, and none after a paid order', async () => {
    // A slow provider: the order sits in PENDING_PAYMENT for the length of the charge.
    await setPaymentFaults(shop, { latencyMs: 1500 });
    const cart = await guestCart(shop, [{ sku, quantity: 1 }]);
    const answer = checkout(shop, cart, randomUUID());
    const orderId = await waitFor(
      async () => {
        const [row] = await checkoutSql<{ id: string }>(
          shop,
          `SELECT id FROM orders WHERE cart_id = $1 AND status = 'PENDING_PAYMENT'`,
          [cart.id],
        );
        return row?.id;
      },
      { ...SETTLE, timeoutMs: 10_000, what: 'the order in PENDING_PAYMENT' },
    );
    const [inFlight] = await checkoutSql<{ card: boolean }>(
      shop,
      'SELECT ciphertext IS NOT NULL AS card FROM pending_payment WHERE order_id = $1',
      [orderId],
    );
    expect(inFlight).toEqual({ card: false });
    const res = await answer;
    await setPaymentFaults(shop, { latencyMs: 0 });
    expect(res.status).toBe(201);
    expect(res.body.order.status).toBe('PAID');

    expect(
      await checkoutSql(shop, 'SELECT order_id FROM pending_payment WHERE order_id = $1', [orderId]),
    ).toEqual([]);
    expect(await tablesContaining(shop.checkout.db, CARDS.ok)).toEqual([]);
    expect(await tablesContaining(shop.payment.db, CARDS.ok)).toEqual([]);
  });

  it('seals a parked card without its CVC, charges it later, then deletes it', async () => {
    await setPaymentFaults(shop, { outageRate: 1 });
    const cart = await guestCart(shop, [{ sku, quantity: 1 }]);
    const body = checkoutBody(cart);
    body.payment.card.cvc = '9731';
    const parked = await checkout(shop, cart, randomUUID(), body);
    expect(parked.status).toBe(202);
    const orderId = parked.body.order.id as string;

    const [row] = await checkoutSql<{ keyId: string; iv: Buffer; tag: Buffer; ciphertext: Buffer }>(
      shop,
      'SELECT key_id AS "keyId", iv, tag, ciphertext FROM pending_payment WHERE order_id = $1',
      [orderId],
    );
    const stored = shop.checkout.svc.app.get(CardVault).open(orderId, row);
    expect(stored).toEqual({
      number: CARDS.ok,
      expMonth: body.payment.card.expMonth,
      expYear: body.payment.card.expYear,
    });

    await setPaymentFaults(shop, { outageRate: 0 });
    await waitFor(
      async () => {
        const res = await shop.checkout.api.get(`/orders/${orderId}`, {
          headers: { 'x-cart-token': cart.token! },
        });
        return res.body.status === 'PAID' ? res : undefined;
      },
      { ...SETTLE, timeoutMs: 30_000, what: 'the parked order paid by the worker' },
    );
    expect(
      await checkoutSql(shop, 'SELECT order_id FROM pending_payment WHERE order_id = $1', [orderId]),
    ).toEqual([]);
    expect(await tablesContaining(shop.checkout.db, CARDS.ok)).toEqual([]);
  });
});
