import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, expectProblem } from '@ha-shop/testkit';
import {
  as,
  checkoutBody,
  checkoutSql,
  guestCart,
  neighbourProxy,
  seedProduct,
  Shop,
  startShop,
} from './support';

type Breakage = 'truncated' | 'wrong-shape' | 'proxy-404' | 'proxy-400' | 'bad-prices';

/**
 * Test double for what a product-service replica being killed looks like from behind a proxy or a
 * mesh (the runner's service address, a sidecar): an answer cut short, an answer from something
 * that is not product-service. Only the call `breaks` picks is broken; the rest is forwarded.
 */
function breakingProxy(target: () => string, breaks: (path: string) => Breakage | undefined) {
  return neighbourProxy(target, (req, res) => {
    const breakage = breaks(req.url ?? '/');
    if (breakage === 'truncated') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[{"sku":"x","pri');
    } else if (breakage === 'wrong-shape') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    } else if (breakage === 'bad-prices') {
      // A reservation answer whose prices cannot be used: checkout must not price an order with it.
      res
        .writeHead(201, { 'content-type': 'application/json' })
        .end('{"status":"reserved","items":[{"sku":"x","quantity":1,"price":"7"}]}');
    } else if (breakage === 'proxy-404' || breakage === 'proxy-400') {
      res
        .writeHead(breakage === 'proxy-404' ? 404 : 400, { 'content-type': 'text/html' })
        .end('<html>no route</html>');
    }
    return breakage !== undefined;
  });
}

// Issue 14 item 3: whatever a dependency does inside the checkout, the answer is 503 with
// Retry-After (or a parked order), never a 500.
describe('checkout when product-service answers in ways it should not', () => {
  let shop: Shop;
  let breakage: { path: string; kind: Breakage } | undefined;
  let proxy: Awaited<ReturnType<typeof breakingProxy>>;
  let url: string;

  beforeAll(async () => {
    shop = await startShop({ checkoutEnv: { CHECKOUT_DEADLINE_MS: '3000' } });
    proxy = await breakingProxy(
      () => shop.product.svc.url,
      (path) => (breakage && path.startsWith(breakage.path) ? breakage.kind : undefined),
    );
    url = (await shop.replica({ PRODUCT_SERVICE_URL: proxy.url })).url;
  });
  afterAll(async () => {
    await proxy?.close();
    await shop?.close();
  });

  // The reservation is the only product-service call before the order exists (it carries the prices).
  it.each([
    ['/internal/inventory/reservations', 'truncated'],
    ['/internal/inventory/reservations', 'wrong-shape'],
    ['/internal/inventory/reservations', 'proxy-404'],
    ['/internal/inventory/reservations', 'proxy-400'],
    ['/internal/inventory/reservations', 'bad-prices'],
  ] as Array<[string, Breakage]>)('%s answered %s: 503 with Retry-After, no order', async (path, kind) => {
    const [sku] = await seedProduct(shop, [{ price: 700, stock: 5 }]);
    const cart = await guestCart(shop, [{ sku, quantity: 1 }]);
    breakage = { path, kind };
    try {
      const res = await apiClient(url).post(
        '/checkout',
        checkoutBody(cart),
        as(cart, { 'idempotency-key': randomUUID() }),
      );
      expectProblem(res, 503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      breakage = undefined;
    }
    expect(await checkoutSql(shop, 'SELECT 1 FROM orders WHERE cart_id = $1', [cart.id])).toHaveLength(0);
    // Once product-service answers properly again, the same cart checks out.
    const retry = await apiClient(url).post(
      '/checkout',
      checkoutBody(cart),
      as(cart, { 'idempotency-key': randomUUID() }),
    );
    expect(retry.status).toBe(201);
  });
});
