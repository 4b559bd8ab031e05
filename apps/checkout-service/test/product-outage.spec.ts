// Over 250 lines: every product-service outage case (frozen, stopped, a lost answer) shares one shop behind a controllable TCP proxy.
import { randomUUID } from 'node:crypto';
import { createServer, Server, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, expectProblem, waitFor } from '@ha-shop/testkit';
import {
  as,
  checkout,
  checkoutBody,
  checkoutSql,
  guestCart,
  idempotencyKeyState,
  neighbourProxy,
  productIdOf,
  seedProduct,
  SETTLE,
  Shop,
  startShop,
  stockOf,
} from './support';

const DEADLINE_MS = 3000;

/** Accepts connections and never answers: a frozen product-service. */
async function blackhole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Forwards to product-service, except the calls `fail` picks, which get a 503 problem. */
function flakyProxy(target: () => string, fail: (method: string, url: string) => boolean) {
  return neighbourProxy(target, (req, res) => {
    if (!fail(req.method ?? 'GET', req.url ?? '/')) return false;
    res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
    res.end(JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503 }));
    return true;
  });
}

/**
 * Forwards to product-service, but while `lossy()` holds, a reservation is made there and its
 * answer replaced by a 503 (as when it arrives after checkout gave up), and a release is refused.
 */
function lossyReservations(target: () => string, lossy: () => boolean) {
  return neighbourProxy(target, (req, res) => {
    if (!lossy() || req.method !== 'POST' || !req.url?.startsWith('/internal/inventory/reservations')) {
      return false;
    }
    const unavailable = () => {
      res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503 }));
    };
    if (req.url.endsWith('/release')) {
      unavailable();
      return true;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = { ...req.headers } as Record<string, string>;
      delete headers['content-length'];
      void fetch(new URL(req.url!, target()), { method: 'POST', headers, body: Buffer.concat(chunks) })
        .then((r) => r.arrayBuffer())
        .finally(unavailable);
    });
    return true;
  });
}

describe('product-service unavailable', () => {
  let shop: Shop;

  beforeAll(async () => {
    shop = await startShop({
      checkoutEnv: { CHECKOUT_DEADLINE_MS: String(DEADLINE_MS), CART_PRICE_DEADLINE_MS: '1000' },
    });
  });
  afterAll(() => shop?.close());

  it('answers a frozen product-service with 503 + Retry-After at the deadline, not later', async () => {
    const [sku] = await seedProduct(shop, [{ price: 800, stock: 5 }]);
    const cart = await guestCart(shop, [{ sku, quantity: 1 }]);
    const frozen = await blackhole();
    try {
      const replica = await shop.replica({ PRODUCT_SERVICE_URL: frozen.url });
      const started = Date.now();
      const res = await apiClient(replica.url).post(
        '/checkout',
        checkoutBody(cart),
        as(cart, { 'idempotency-key': randomUUID() }),
      );
      const elapsed = Date.now() - started;
      const problem = expectProblem(res, 503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(problem.dependency).toBe('product');
      // Bounded by the checkout deadline (plus scheduling slack on a busy machine), never hanging.
      expect(elapsed).toBeLessThan(DEADLINE_MS + 2000);
      // The cart read still answers, from the stored snapshot.
      const read = await apiClient(replica.url).get(`/carts/${cart.id}`, as(cart));
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({
        pricesStale: true,
        items: [expect.objectContaining({ sku, unitPrice: 800 })],
      });
    } finally {
      await frozen.close();
    }
    expect(await checkoutSql(shop, 'SELECT 1 FROM orders WHERE cart_id = $1', [cart.id])).toHaveLength(0);
  });

  it('commits the stock of a paid order later when product-service was out at that moment', async () => {
    const [sku] = await seedProduct(shop, [{ price: 900, stock: 4 }]);
    let failCommits = true;
    const proxy = await flakyProxy(
      () => shop.product.svc.url,
      (method, url) => failCommits && method === 'POST' && url.endsWith('/commit'),
    );
    try {
      const replica = await shop.replica({
        PRODUCT_SERVICE_URL: proxy.url,
        PAYMENT_RETRY_INTERVAL_MS: '100',
        PAYMENT_RETRY_BASE_MS: '1500',
      });
      const cart = await guestCart(shop, [{ sku, quantity: 1 }]);
      const res = await apiClient(replica.url).post(
        '/checkout',
        checkoutBody(cart),
        as(cart, { 'idempotency-key': randomUUID() }),
      );
      expect(res.status).toBe(201);
      expect(res.body.order.status).toBe('PAID');
      // Paid, but the units are still only reserved (with a TTL): the worker must finish the job.
      expect(await stockOf(shop, sku)).toEqual({ available: 3, reserved: 1, sold: 0 });
      failCommits = false;
      await waitFor(async () => ((await stockOf(shop, sku)).sold === 1 ? true : undefined), SETTLE);
      expect(await stockOf(shop, sku)).toEqual({ available: 3, reserved: 0, sold: 1 });
      const [row] = await checkoutSql(shop, 'SELECT reservation_status FROM orders WHERE id = $1', [
        res.body.order.id,
      ]);
      expect(row.reservation_status).toBe('committed');
    } finally {
      await proxy.close();
    }
  });

  it('a retry after a lost reservation answer reuses that reservation and its prices: no units held twice', async () => {
    const [sku] = await seedProduct(shop, [{ price: 700, stock: 3 }]);
    let lossy = true;
    const proxy = await lossyReservations(
      () => shop.product.svc.url,
      () => lossy,
    );
    try {
      const replica = await shop.replica({ PRODUCT_SERVICE_URL: proxy.url });
      const cart = await guestCart(shop, [{ sku, quantity: 1 }]);
      const key = randomUUID();
      const post = () =>
        apiClient(replica.url).post('/checkout', checkoutBody(cart), as(cart, { 'idempotency-key': key }));
      expectProblem(await post(), 503);
      // The reservation exists at product-service; checkout could neither see it nor release it, so
      // the key stays (lease ended) for the retry of the same request.
      expect(await stockOf(shop, sku)).toEqual({ available: 2, reserved: 1, sold: 0 });
      expect(await idempotencyKeyState(shop, key)).toEqual([{ status: 'in_progress', free: true }]);
      // A price change meanwhile: the order costs what was reserved (the replay answers the first prices).
      const changed = await shop.product.api.patch(
        `/admin/products/${await productIdOf(shop, sku)}`,
        { variants: [{ sku, price: 900 }] },
        { token: shop.adminToken },
      );
      expect(changed.status).toBe(200);
      lossy = false;
      const retry = await post();
      expect(retry.status).toBe(201);
      expect(retry.body.order).toMatchObject({
        status: 'PAID',
        lines: [expect.objectContaining({ sku, unitPrice: 700, lineTotal: 700 })],
        total: 700,
      });
      // The retry reserved under the same order's key and got the first reservation back.
      expect(await stockOf(shop, sku)).toEqual({ available: 2, reserved: 0, sold: 1 });
    } finally {
      await proxy.close();
    }
  });

  it('keeps carts readable, refuses adds and checkouts with 503 when product-service is stopped', async () => {
    const [sku, other] = await seedProduct(shop, [
      { price: 1100, stock: 5 },
      { price: 300, stock: 5 },
    ]);
    const cart = await guestCart(shop, [{ sku, quantity: 2 }]);
    await shop.product.svc.shutdown();

    const read = await shop.checkout.api.get(`/carts/${cart.id}`, as(cart));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      pricesStale: true,
      subtotal: 2200,
      items: [expect.objectContaining({ sku, quantity: 2, unitPrice: 1100 })],
    });
    // Changes that need no price lookup still work; adds need the authoritative price.
    const patched = await shop.checkout.api.patch(
      `/carts/${cart.id}/items/${sku}`,
      { quantity: 3 },
      as(cart),
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ pricesStale: true, subtotal: 3300 });
    const add = await shop.checkout.api.post(
      `/carts/${cart.id}/items`,
      { sku: other, quantity: 1 },
      as(cart),
    );
    expectProblem(add, 503);
    expect(add.headers.get('retry-after')).toMatch(/^\d+$/);

    const key = randomUUID();
    const res = await checkout(shop, cart, key);
    expectProblem(res, 503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await checkoutSql(shop, 'SELECT 1 FROM orders WHERE cart_id = $1', [cart.id])).toHaveLength(0);
    // The key was not used up: a retry runs the checkout again (and fails the same way while the outage
    // lasts). The reservation's fate is unknown (reserve and release failed), so the key keeps its order
    // id, free at once, for the retry to reserve under the same reservation key.
    expect(await idempotencyKeyState(shop, key)).toEqual([{ status: 'in_progress', free: true }]);
    expectProblem(await checkout(shop, cart, key), 503);
    expectProblem(await checkout(shop, cart), 503);
    // The failed checkouts were still seen by analytics as started (the retry of a key as the same one).
    const started = await checkoutSql(
      shop,
      `SELECT 1 FROM outbox_event WHERE type = 'checkout.started' AND aggregate_id = $1`,
      [cart.id],
    );
    expect(started.length).toBeGreaterThanOrEqual(2);
  });
});
