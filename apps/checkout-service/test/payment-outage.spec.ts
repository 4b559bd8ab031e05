import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, waitFor } from '@ha-shop/testkit';
import {
  checkout,
  checkoutBody,
  checkoutSql,
  FAST_WORKER_ENV,
  guestCart,
  paymentSql,
  productSql,
  seedProduct,
  setPaymentFaults,
  SETTLE,
  Shop,
  startShop,
  stockOf,
} from './support';

// Fast worker and a short breaker pause, so recovery is observed within seconds.
const WORKER_ENV = {
  ...FAST_WORKER_ENV,
  CHECKOUT_DEADLINE_MS: '3000',
  // Half of it is the grace a parked order waits past its deadline for payment-service to say
  // whether it was charged; kept short so the deadline test sees the cancellation.
  RESERVATION_TTL_MARGIN_SECONDS: '2',
};

describe('payment-service outage', () => {
  let shop: Shop;

  beforeAll(async () => {
    shop = await startShop({ checkoutEnv: WORKER_ENV });
  });
  afterAll(() => shop?.close());

  it('parks orders as PENDING_PAYMENT (202) and the worker charges each exactly once after recovery', async () => {
    // A second replica on the same database: two workers compete for the parked orders.
    await shop.replica();
    const [sku] = await seedProduct(shop, [{ price: 3000, stock: 10 }]);
    await setPaymentFaults(shop, { outageRate: 1 });

    const carts = await Promise.all(Array.from({ length: 5 }, () => guestCart(shop, [{ sku, quantity: 1 }])));
    const keys = carts.map(() => randomUUID());
    const parked = await Promise.all(carts.map((cart, i) => checkout(shop, cart, keys[i])));
    for (const res of parked) {
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        status: 'PENDING_PAYMENT',
        message: 'payment processing',
        order: { status: 'PENDING_PAYMENT' },
      });
    }
    const orderIds = parked.map((r) => r.body.order.id as string);
    // Stock is held for the parked orders, and nothing was charged.
    expect(await stockOf(shop, sku)).toEqual({ available: 5, reserved: 5, sold: 0 });
    expect(await paymentSql(shop, 'SELECT id FROM payment')).toHaveLength(0);
    // The card waits encrypted, never in clear text.
    const [sealed] = await checkoutSql<{ ciphertext: Buffer }>(
      shop,
      'SELECT ciphertext FROM pending_payment WHERE order_id = $1',
      [orderIds[0]],
    );
    expect(sealed.ciphertext.toString('latin1')).not.toContain('4242424242424242');

    // The reservation outlives the payment retry deadline, so the stock sweeper never takes it from a parked order.
    const [{ deadline }] = await checkoutSql<{ deadline: Date }>(
      shop,
      'SELECT deadline_at AS deadline FROM pending_payment WHERE order_id = $1',
      [orderIds[0]],
    );
    const [{ expires }] = await productSql<{ expires: Date }>(
      shop,
      'SELECT expires_at AS expires FROM reservation WHERE reservation_key = $1',
      [`order:${orderIds[0]}`],
    );
    expect(expires.getTime()).toBeGreaterThan(deadline.getTime());

    // A replay during the outage gives the first answer back.
    const replay = await checkout(shop, carts[0], keys[0]);
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    // Let the workers fail against the outage, then recover.
    await waitFor(async () => {
      const [row] = await checkoutSql<{ n: number }>(
        shop,
        'SELECT min(attempts)::int AS n FROM pending_payment',
      );
      return row.n >= 1 ? true : undefined;
    }, SETTLE);
    await setPaymentFaults(shop, { outageRate: 0 });

    const guest = apiClient(shop.checkout.svc.url);
    for (const [i, id] of orderIds.entries()) {
      const order = await waitFor(async () => {
        const res = await guest.get(`/orders/${id}`, { headers: { 'x-cart-token': carts[i].token! } });
        return res.body.status === 'PAID' ? res.body : undefined;
      }, SETTLE);
      expect(order.paymentId).toEqual(expect.any(String));
    }

    // One payment per order, however many attempts and workers there were.
    const payments = await paymentSql<{ order_id: string; n: number }>(
      shop,
      'SELECT order_id, count(*)::int AS n FROM payment GROUP BY order_id',
    );
    expect(payments).toHaveLength(5);
    expect(payments.every((p) => p.n === 1 && orderIds.includes(p.order_id))).toBe(true);
    await waitFor(async () => {
      const stock = await stockOf(shop, sku);
      return stock.sold === 5 ? stock : undefined;
    }, SETTLE);
    expect(await stockOf(shop, sku)).toEqual({ available: 5, reserved: 0, sold: 5 });
    expect(await checkoutSql(shop, 'SELECT 1 FROM pending_payment')).toHaveLength(0);
    const paidEvents = await checkoutSql(
      shop,
      `SELECT aggregate_id FROM outbox_event WHERE type = 'order.paid'`,
    );
    expect(paidEvents).toHaveLength(5);
  });

  it('cancels a parked order at the payment deadline and releases its stock', async () => {
    const shortDeadline = await shop.replica({ PAYMENT_RETRY_DEADLINE_MS: '1500' });
    const [sku] = await seedProduct(shop, [{ price: 1500, stock: 3 }]);
    await setPaymentFaults(shop, { outageRate: 1 });
    let orderId = '';
    try {
      const cart = await guestCart(shop, [{ sku, quantity: 2 }]);
      const res = await apiClient(shortDeadline.url).post('/checkout', checkoutBody(cart), {
        headers: { 'x-cart-token': cart.token!, 'idempotency-key': randomUUID() },
      });
      expect(res.status).toBe(202);
      expect(await stockOf(shop, sku)).toEqual({ available: 1, reserved: 2, sold: 0 });

      orderId = res.body.order.id as string;
      const [cancelled] = await waitFor(async () => {
        const rows = await checkoutSql<{ status: string; cancel_reason: string }>(
          shop,
          'SELECT status, cancel_reason FROM orders WHERE id = $1',
          [orderId],
        );
        return rows[0].status === 'CANCELLED' ? rows : undefined;
      }, SETTLE);
      expect(cancelled.cancel_reason).toBe('payment-deadline');
      await waitFor(async () => ((await stockOf(shop, sku)).reserved === 0 ? true : undefined), SETTLE);
      expect(await stockOf(shop, sku)).toEqual({ available: 3, reserved: 0, sold: 0 });
      expect(
        await checkoutSql(shop, 'SELECT 1 FROM pending_payment WHERE order_id = $1', [orderId]),
      ).toHaveLength(0);
      // The customer gets the cart back to try again.
      const cartNow = await shop.checkout.api.get(`/carts/${cart.id}`, {
        headers: { 'x-cart-token': cart.token! },
      });
      expect(cartNow.body.status).toBe('active');
      const events = await checkoutSql(
        shop,
        `SELECT payload FROM outbox_event WHERE type = 'order.cancelled' AND aggregate_id = $1`,
        [orderId],
      );
      expect(events).toEqual([
        { payload: expect.objectContaining({ reason: 'payment-deadline', total: 3000, currency: 'EUR' }) },
      ]);
    } finally {
      await setPaymentFaults(shop, { outageRate: 0 });
    }
    // Once cancelled, nothing charges it any more, even with payment-service back.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await paymentSql(shop, 'SELECT 1 FROM payment WHERE order_id = $1', [orderId])).toHaveLength(0);
  });
});
