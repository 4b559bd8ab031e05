import { randomUUID } from 'node:crypto';
import type { RunningService } from '@ha-shop/service-kit';
import { apiClient, waitFor } from '@ha-shop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CARDS,
  checkout,
  checkoutBody,
  checkoutSql,
  FAST_WORKER_ENV,
  guestCart,
  paymentSql,
  seedProduct,
  setPaymentFaults,
  SETTLE,
  Shop,
  startShop,
  workerlessReplica,
} from './support';

// Issue 14 item 4: a charge must not stand on a cancelled order, and an admin refund racing a
// fulfil must not leave the money refunded on a FULFILLED order. Real services, real databases.
const WORKER_ENV = {
  ...FAST_WORKER_ENV,
  CHECKOUT_DEADLINE_MS: '1500',
  // The reconciliation grace (half of it) is 2 s: a parked order is given up soon after its deadline.
  RESERVATION_TTL_MARGIN_SECONDS: '4',
};
const PRICE = 2000;

describe('charges and cancelled orders', () => {
  let shop: Shop;
  /** Seals cards with a key the worker does not have: at the deadline it may only ask, not charge. */
  let foreign: RunningService;

  beforeAll(async () => {
    shop = await startShop({ checkoutEnv: WORKER_ENV });
    foreign = await workerlessReplica(shop, { foreignKey: true });
  });
  afterAll(() => shop?.close());

  const orderRow = async (orderId: string) =>
    (
      await checkoutSql<{ status: string; reconcile: boolean }>(
        shop,
        'SELECT status, payment_reconcile_at IS NOT NULL AS reconcile FROM orders WHERE id = $1',
        [orderId],
      )
    )[0];
  const paymentOf = async (orderId: string) =>
    (
      await paymentSql<{ id: string; refunded: number; refunds: number }>(
        shop,
        `SELECT p.id, p.refunded_amount::int AS refunded, (SELECT count(*)::int FROM refund r WHERE r.payment_id = p.id) AS refunds
           FROM payment p WHERE p.order_id = $1`,
        [orderId],
      )
    )[0];

  it('refunds, exactly once, a charge found on an order cancelled while payment-service could not be asked', async () => {
    const [sku] = await seedProduct(shop, [{ price: PRICE, stock: 3 }]);
    const cart = await guestCart(shop, [{ sku, quantity: 1 }]);
    await setPaymentFaults(shop, { outageRate: 1 });
    const parked = await apiClient(foreign.url).post('/checkout', checkoutBody(cart), {
      headers: { 'x-cart-token': cart.token!, 'idempotency-key': randomUUID() },
    });
    expect(parked.status).toBe(202);
    const orderId = parked.body.order.id as string;

    // payment-service did charge the order (checkout's own key), but the answer never came back...
    await setPaymentFaults(shop, { outageRate: 0 });
    const { card } = (checkoutBody(cart) as { payment: { card: object } }).payment;
    const charge = await shop.payment.api.post(
      '/payments',
      { orderId, amount: PRICE, currency: 'EUR', card },
      { headers: { 'x-internal-token': shop.internalToken, 'idempotency-key': `checkout:order:${orderId}` } },
    );
    expect(charge.body.status).toBe('authorised');
    // ...and it stays unreachable past the deadline and the grace: the order is cancelled without knowing.
    await setPaymentFaults(shop, { outageRate: 1 });
    try {
      await waitFor(async () => ((await orderRow(orderId)).status === 'CANCELLED' ? true : undefined), {
        ...SETTLE,
        timeoutMs: 60_000,
      });
      expect((await paymentOf(orderId)).refunded).toBe(0);
    } finally {
      await setPaymentFaults(shop, { outageRate: 0 });
    }

    const refunded = await waitFor(
      async () => {
        const p = await paymentOf(orderId);
        return p.refunded === PRICE && !(await orderRow(orderId)).reconcile ? p : undefined;
      },
      { ...SETTLE, timeoutMs: 30_000, what: 'the charge refunded by the sweep' },
    );
    expect(refunded.refunds).toBe(1);

    // Asked again (another replica's sweep, a restart): the refund key makes it a replay, not a second refund.
    await checkoutSql(shop, 'UPDATE orders SET payment_reconcile_at = now() WHERE id = $1', [orderId]);
    await waitFor(async () => ((await orderRow(orderId)).reconcile ? undefined : true), {
      ...SETTLE,
      timeoutMs: 30_000,
    });
    expect(await paymentOf(orderId)).toMatchObject({ refunded: PRICE, refunds: 1 });
    expect((await orderRow(orderId)).status).toBe('CANCELLED');
  }, 120_000);

  it('a fulfil racing an admin refund is refused; the order ends REFUNDED', async () => {
    const [sku] = await seedProduct(shop, [{ price: PRICE, stock: 3 }]);
    const cart = await guestCart(shop, [{ sku, quantity: 1 }]);
    const paid = await checkout(shop, cart, randomUUID(), checkoutBody(cart, CARDS.ok));
    expect(paid.body.order.status).toBe('PAID');
    const orderId = paid.body.order.id as string;
    const admin = { token: shop.adminToken };

    // The refund is slow at payment-service: the fulfil arrives while it is under way.
    await setPaymentFaults(shop, { latencyMs: 1500 });
    try {
      const refund = shop.checkout.api.post(`/admin/orders/${orderId}/refund`, undefined, admin);
      await waitFor(async () => {
        const rows = await paymentSql(shop, 'SELECT 1 FROM idempotency_key WHERE key = $1', [
          `checkout:refund:${orderId}`,
        ]);
        return rows.length > 0 ? true : undefined;
      }, SETTLE);
      const fulfil = await shop.checkout.api.post(`/admin/orders/${orderId}/fulfil`, undefined, admin);
      expect(fulfil.status).toBe(409);
      const done = await refund;
      expect(done.status).toBe(200);
      expect(done.body.status).toBe('REFUNDED');
    } finally {
      await setPaymentFaults(shop, { latencyMs: 0 });
    }
    expect((await orderRow(orderId)).status).toBe('REFUNDED');
    expect((await paymentOf(orderId)).refunded).toBe(PRICE);
  });
});
