import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type ApiResponse } from '@ha-shop/testkit';
import {
  Cart,
  checkout,
  checkoutSql,
  guestCart,
  paymentSql,
  productSql,
  seedGuestCarts,
  SETTLE,
  seedProduct,
  Shop,
  startShop,
  stockOf,
} from './support';

/** What a well-behaved client does: on 503 or 409 in-progress, wait Retry-After and retry with the same key. */
async function checkoutWithRetries(shop: Shop, cart: Cart, key: string): Promise<ApiResponse> {
  for (let attempt = 0; ; attempt++) {
    const res = await checkout(shop, cart, key);
    const retryable =
      res.status === 503 || (res.status === 409 && /idempotency-in-progress$/.test(res.body?.type ?? ''));
    if (!retryable || attempt >= 20) return res;
    const retryAfter = Number(res.headers.get('retry-after') ?? '1');
    await sleep(Math.min(retryAfter, 1) * 1000 * (0.5 + Math.random()));
  }
}

describe('checkout under concurrency', () => {
  let shop: Shop;

  beforeAll(async () => {
    // A parked order is retried every second at most, so the test does not wait out the default backoff.
    shop = await startShop({
      checkoutEnv: {
        PAYMENT_RETRY_INTERVAL_MS: '200',
        PAYMENT_RETRY_BASE_MS: '500',
        PAYMENT_RETRY_MAX_BACKOFF_MS: '1000',
      },
    });
  });
  afterAll(() => shop?.close());

  it('200 concurrent checkouts of an item with 10 in stock: exactly 10 paid, stock never below zero', async () => {
    const [sku] = await seedProduct(shop, [{ price: 1999, stock: 10 }]);
    const carts = await seedGuestCarts(shop, 200, { sku, quantity: 1, unitPrice: 1999 });

    const results = await Promise.all(carts.map((cart) => checkoutWithRetries(shop, cart, randomUUID())));
    const outcomes = JSON.stringify(results.map((r) => [r.status, r.body?.type ?? r.body?.order?.status]));
    // Each customer ends paid, parked (202: payment processing, on a loaded machine the charge can
    // miss the request's budget) or told the item is out of stock; nobody got a 5xx in the end.
    const accepted = results.filter((r) => r.status === 201 || r.status === 202);
    expect(accepted, outcomes).toHaveLength(10);
    expect(
      results.every(
        (r) =>
          (r.status === 201 && r.body.order.status === 'PAID') ||
          r.status === 202 ||
          (r.status === 409 && /out-of-stock$/.test(r.body.type)),
      ),
      outcomes,
    ).toBe(true);
    // The retry worker charges whatever was parked.
    await waitFor(
      async () => {
        const [{ parked }] = await checkoutSql<{ parked: number }>(
          shop,
          `SELECT count(*)::int AS parked FROM orders WHERE status = 'PENDING_PAYMENT'`,
        );
        return parked === 0 ? true : undefined;
      },
      { ...SETTLE, timeoutMs: 60_000 },
    );

    expect(await stockOf(shop, sku)).toEqual({ available: 0, reserved: 0, sold: 10 });
    const [units] = await productSql<{ negative: number; total: number }>(
      shop,
      'SELECT count(*) FILTER (WHERE available < 0 OR reserved < 0)::int AS negative, sum(available + reserved + sold)::int AS total FROM stock WHERE sku = $1',
      [sku],
    );
    expect(units).toEqual({ negative: 0, total: 10 });
    const orders = await checkoutSql<{ status: string; n: number }>(
      shop,
      'SELECT status, count(*)::int AS n FROM orders GROUP BY status',
    );
    expect(orders).toEqual([{ status: 'PAID', n: 10 }]);
    const payments = await paymentSql<{ n: number; orders: number }>(
      shop,
      `SELECT count(*)::int AS n, count(DISTINCT order_id)::int AS orders FROM payment WHERE status = 'authorised'`,
    );
    expect(payments).toEqual([{ n: 10, orders: 10 }]);
  }, 180_000); // 200 customers retrying on two loaded cores: the assertions are about outcomes, not time

  it('50 concurrent replays of one Idempotency-Key: one order, one payment, the same answer for all', async () => {
    const [sku] = await seedProduct(shop, [{ price: 4200, stock: 5 }]);
    const cart = await guestCart(shop, [{ sku, quantity: 2 }]);
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 50 }, () => checkoutWithRetries(shop, cart, key)));

    expect(results.every((r) => r.status === 201)).toBe(true);
    const orderIds = new Set(results.map((r) => r.body.order.id));
    expect(orderIds.size).toBe(1);
    const [orderId] = [...orderIds];
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(49);
    for (const r of results) expect(r.body).toEqual(results[0].body);

    expect(await checkoutSql(shop, 'SELECT id FROM orders WHERE cart_id = $1', [cart.id])).toEqual([
      { id: orderId },
    ]);
    expect(await paymentSql(shop, 'SELECT status FROM payment WHERE order_id = $1', [orderId])).toEqual([
      { status: 'authorised' },
    ]);
    expect(await stockOf(shop, sku)).toEqual({ available: 3, reserved: 0, sold: 2 });
  });
});
