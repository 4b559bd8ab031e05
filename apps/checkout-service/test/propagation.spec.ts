import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, waitFor } from '@ha-shop/testkit';
import {
  checkout,
  checkoutSql,
  customerCart,
  FAST_WORKER_ENV,
  guestCart,
  SeenCall,
  seedProduct,
  setPaymentFaults,
  SETTLE,
  Shop,
  startShop,
} from './support';

/** What checkout passes on to its neighbours: the caller's deadline and the customer it acts for. */
describe('deadline and identity propagation', () => {
  let shop: Shop;
  let mug: string;

  beforeAll(async () => {
    // A fast retry worker, for the test of what it sends when it resumes a parked order.
    shop = await startShop({ recordCalls: true, checkoutEnv: FAST_WORKER_ENV });
    [mug] = await seedProduct(shop, [{ price: 1250, stock: 50 }]);
  });
  afterAll(() => shop?.close());

  const since = (list: SeenCall[], from: number) => list.slice(from);

  it("passes a signed-in customer's id and the caller's earlier deadline to product- and payment-service", async () => {
    const user = await shop.issuer.token({ email: 'grace@example.test' });
    const beforeCart = shop.calls.product.length;
    const cart = await customerCart(shop, user, [{ sku: mug, quantity: 1 }]);
    const userId = cartUser(since(shop.calls.product, beforeCart));

    const product = shop.calls.product.length;
    const payment = shop.calls.payment.length;
    // Earlier than checkout's own 8 s budget, so it is the one that applies.
    const deadline = Date.now() + 5_000;
    const res = await checkout(shop, cart, undefined, undefined, {
      'x-request-deadline': String(deadline),
    });
    expect(res.status).toBe(201);
    expect(res.body.order.userId).toBe(userId);

    const toProduct = since(shop.calls.product, product);
    const forward = toProduct.filter((c) => /\/internal\/(prices|inventory\/reservations)$/.test(c.url));
    expect(forward.map((c) => c.url)).toEqual(['/internal/inventory/reservations']);
    for (const call of forward) expect(call.headers['x-request-deadline']).toBe(String(deadline));
    for (const call of [...toProduct, ...since(shop.calls.payment, payment)]) {
      expect(call.headers['x-on-behalf-of']).toBe(userId);
      // Internal routes stay authorized by the internal token; the customer's token is not passed on.
      expect(call.headers['x-internal-token']).toBe(shop.internalToken);
      expect(call.headers.authorization).toBeUndefined();
    }
    expect(since(shop.calls.payment, payment).map((c) => c.url)).toEqual(['/payments']);
    expect(toProduct.some((c) => c.url.endsWith('/commit'))).toBe(true);
  });

  it("uses checkout's own deadline when the caller sends none, and no identity for a guest", async () => {
    const cart = await guestCart(shop, [{ sku: mug, quantity: 1 }]);
    const product = shop.calls.product.length;
    const before = Date.now();
    const res = await checkout(shop, cart);
    expect(res.status).toBe(201);
    const [reserve] = since(shop.calls.product, product);
    expect(reserve.url).toBe('/internal/inventory/reservations');
    // CHECKOUT_DEADLINE_MS (8 s by default) from when the request arrived.
    expect(Number(reserve.headers['x-request-deadline'])).toBeGreaterThanOrEqual(before + 8_000);
    for (const call of since(shop.calls.product, product))
      expect(call.headers['x-on-behalf-of']).toBeUndefined();
  });

  it("sends the order's customer and a deadline of its own when the worker resumes a parked order", async () => {
    const user = await shop.issuer.token({ email: 'ada@example.test' });
    const cart = await customerCart(shop, user, [{ sku: mug, quantity: 1 }]);
    await setPaymentFaults(shop, { outageRate: 1 });
    let parked;
    try {
      parked = await checkout(shop, cart);
    } finally {
      await setPaymentFaults(shop, { outageRate: 0 });
    }
    expect(parked.status).toBe(202);
    const orderId = parked.body.order.id as string;
    const userId = parked.body.order.userId as string;
    expect(userId).toEqual(expect.any(String));
    // From here on no request of the customer is open: what reaches the neighbours is the worker's.
    const payment = shop.calls.payment.length;
    const product = shop.calls.product.length;
    await waitFor(async () => {
      const [row] = await checkoutSql<{ status: string }>(shop, 'SELECT status FROM orders WHERE id = $1', [
        orderId,
      ]);
      return row?.status === 'PAID';
    }, SETTLE);
    const charges = since(shop.calls.payment, payment).filter((c) => c.url === '/payments');
    const commits = since(shop.calls.product, product).filter((c) => c.url.endsWith('/commit'));
    expect(charges.length).toBeGreaterThan(0);
    expect(commits.length).toBeGreaterThan(0);
    for (const call of [...charges, ...commits]) {
      expect(call.headers['x-on-behalf-of']).toBe(userId);
      const deadline = Number(call.headers['x-request-deadline']);
      // The worker's own budget (CHECKOUT_DEADLINE_MS, 8 s by default), not an open-ended wait.
      expect(deadline).toBeGreaterThan(Date.now() - 20_000);
      expect(deadline).toBeLessThanOrEqual(Date.now() + 8_000);
    }
  });

  it('answers 504 to a caller whose deadline has passed, without calling anyone', async () => {
    const cart = await guestCart(shop, [{ sku: mug, quantity: 1 }]);
    const product = shop.calls.product.length;
    const payment = shop.calls.payment.length;
    const res = await checkout(shop, cart, undefined, undefined, {
      'x-request-deadline': String(Date.now() - 1),
    });
    expect(expectProblem(res, 504).type).toContain('deadline-exceeded');
    expect(shop.calls.product.length).toBe(product);
    expect(shop.calls.payment.length).toBe(payment);
  });
});

/** The customer id checkout sent when pricing the cart (adding the item). */
function cartUser(calls: SeenCall[]): string {
  const ids = new Set(calls.map((c) => c.headers['x-on-behalf-of']));
  expect(ids.size).toBe(1);
  const [id] = ids;
  expect(id).toEqual(expect.any(String));
  return id as string;
}
