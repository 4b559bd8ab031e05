import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, waitFor } from '@ha-shop/testkit';
import type { RunningService } from '@ha-shop/service-kit';
import { RECONCILE_FAILED } from '../src/orders/pending-payment.repository';
import {
  CARDS,
  Cart,
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
  stockOf,
  workerlessReplica,
} from './support';

// A fast worker; a parked row is leased for CHECKOUT_DEADLINE_MS + 5 s, and the reconciliation
// grace is half the reservation margin (20 s), so "parked past its deadline" is observable.
const WORKER_ENV = {
  ...FAST_WORKER_ENV,
  CHECKOUT_DEADLINE_MS: '1500',
  RESERVATION_TTL_MARGIN_SECONDS: '40',
};

describe('reconciling parked payments with payment-service', () => {
  let shop: Shop;
  /** Takes checkouts but runs no worker: the main replica's worker settles its orders. */
  let front: RunningService;
  /** Like `front`, but seals cards with a key the main replica does not have. */
  let foreign: RunningService;

  beforeAll(async () => {
    shop = await startShop({ checkoutEnv: WORKER_ENV });
    front = await workerlessReplica(shop);
    foreign = await workerlessReplica(shop, { foreignKey: true });
  });
  afterAll(() => shop?.close());

  /** Checks out through `svc` while payment-service is out, so the order is parked. */
  async function parkedOrder(svc: RunningService, sku: string): Promise<{ cart: Cart; orderId: string }> {
    const cart = await guestCart(shop, [{ sku, quantity: 1 }]);
    await setPaymentFaults(shop, { outageRate: 1 });
    try {
      const res = await apiClient(svc.url).post('/checkout', checkoutBody(cart), {
        headers: { 'x-cart-token': cart.token!, 'idempotency-key': randomUUID() },
      });
      expect(res.status).toBe(202);
      return { cart, orderId: res.body.order.id as string };
    } finally {
      await setPaymentFaults(shop, { outageRate: 0 });
    }
  }

  /** A charge payment-service made for the order under checkout's own key, whose answer never reached checkout. */
  async function lostCharge(orderId: string, card: string = CARDS.ok) {
    // The same card fields checkout sends, so only the card number decides whether the body matches.
    const { card: sent } = (checkoutBody({ id: orderId }, card) as { payment: { card: object } }).payment;
    const res = await shop.payment.api.post(
      '/payments',
      { orderId, amount: 2000, currency: 'EUR', card: sent },
      { headers: { 'x-internal-token': shop.internalToken, 'idempotency-key': `checkout:order:${orderId}` } },
    );
    expect(res.body.status).toBe('authorised');
    return res.body.id as string;
  }

  const statusOf = async (orderId: string) =>
    (
      await checkoutSql<{ status: string; payment_id: string | null }>(
        shop,
        'SELECT status, payment_id FROM orders WHERE id = $1',
        [orderId],
      )
    )[0];

  const settled = (orderId: string) =>
    waitFor(
      async () => {
        const row = await statusOf(orderId);
        return row.status === 'PENDING_PAYMENT' ? undefined : row;
      },
      { ...SETTLE, timeoutMs: 60_000 },
    );

  it('completes an order at its deadline when payment-service already holds its charge', async () => {
    const [sku] = await seedProduct(shop, [{ price: 2000, stock: 3 }]);
    // The card cannot be opened by the worker: at the deadline it may only ask, not charge.
    const { orderId } = await parkedOrder(foreign, sku);
    const paymentId = await lostCharge(orderId);

    expect(await settled(orderId)).toEqual({ status: 'PAID', payment_id: paymentId });
    await waitFor(async () => ((await stockOf(shop, sku)).sold === 1 ? true : undefined), SETTLE);
    expect(await stockOf(shop, sku)).toEqual({ available: 2, reserved: 0, sold: 1 });
    expect(await paymentSql(shop, 'SELECT 1 FROM payment WHERE order_id = $1', [orderId])).toHaveLength(1);
  });

  it('keeps an order parked past its deadline while payment-service cannot be asked', async () => {
    const [sku] = await seedProduct(shop, [{ price: 2000, stock: 3 }]);
    const { orderId } = await parkedOrder(foreign, sku);
    await setPaymentFaults(shop, { outageRate: 1 });
    try {
      // The worker has tried to ask payment-service after the deadline (the card is unreadable
      // there, so the order is only claimed once its deadline has passed).
      await waitFor(async () => {
        const [row] = await checkoutSql<{ last_error: string | null }>(
          shop,
          'SELECT last_error FROM pending_payment WHERE order_id = $1',
          [orderId],
        );
        return !row || row.last_error === RECONCILE_FAILED ? true : undefined;
      }, SETTLE);
      expect((await statusOf(orderId)).status).toBe('PENDING_PAYMENT');
      expect(await stockOf(shop, sku)).toEqual({ available: 2, reserved: 1, sold: 0 });
    } finally {
      await setPaymentFaults(shop, { outageRate: 0 });
    }
    // payment-service is back and did charge the order: the order is paid, not cancelled.
    const paymentId = await lostCharge(orderId);
    expect(await settled(orderId)).toEqual({ status: 'PAID', payment_id: paymentId });
  }, 90_000);

  it('cancels and releases the stock once the reconciliation grace is over, however long the outage', async () => {
    const [sku] = await seedProduct(shop, [{ price: 2000, stock: 3 }]);
    const { orderId } = await parkedOrder(foreign, sku);
    await setPaymentFaults(shop, { outageRate: 1 });
    try {
      expect((await settled(orderId)).status).toBe('CANCELLED');
      await waitFor(async () => ((await stockOf(shop, sku)).reserved === 0 ? true : undefined), SETTLE);
      expect(await stockOf(shop, sku)).toEqual({ available: 3, reserved: 0, sold: 0 });
    } finally {
      await setPaymentFaults(shop, { outageRate: 0 });
    }
  }, 90_000);

  it('does not fail an order on a refused charge request (key reused) but finds its charge', async () => {
    const [sku] = await seedProduct(shop, [{ price: 2000, stock: 3 }]);
    const { orderId } = await parkedOrder(front, sku);
    // The key already carries a charge with another body: the worker's charge gets 422 idempotency-key-reused.
    const paymentId = await lostCharge(orderId, '5555555555554444');

    expect(await settled(orderId)).toEqual({ status: 'PAID', payment_id: paymentId });
    await waitFor(async () => ((await stockOf(shop, sku)).sold === 1 ? true : undefined), SETTLE);
    expect(await paymentSql(shop, 'SELECT 1 FROM payment WHERE order_id = $1', [orderId])).toHaveLength(1);
  });
});
