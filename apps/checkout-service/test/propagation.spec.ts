import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@ha-shop/testkit';
import { checkout, customerCart, guestCart, SeenCall, seedProduct, Shop, startShop } from './support';

/** What checkout passes on to its neighbours: the caller's deadline and the customer it acts for. */
describe('deadline and identity propagation', () => {
  let shop: Shop;
  let mug: string;

  beforeAll(async () => {
    shop = await startShop({ recordCalls: true });
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
    expect(forward.map((c) => c.url)).toEqual(['/internal/prices', '/internal/inventory/reservations']);
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
    const [prices] = since(shop.calls.product, product);
    expect(prices.url).toBe('/internal/prices');
    // CHECKOUT_DEADLINE_MS (8 s by default) from when the request arrived.
    expect(Number(prices.headers['x-request-deadline'])).toBeGreaterThanOrEqual(before + 8_000);
    for (const call of since(shop.calls.product, product))
      expect(call.headers['x-on-behalf-of']).toBeUndefined();
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
