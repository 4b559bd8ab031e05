import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, expectProblem, parseExposition, sampleValue } from '@ha-shop/testkit';
import {
  as,
  checkout,
  checkoutBody,
  checkoutSql,
  guestCart,
  neighbourProxy,
  productIdOf,
  productSql,
  SeenCall,
  seedProduct,
  setPaymentFaults,
  Shop,
  startShop,
  stockOf,
} from './support';

const RESERVE = '/internal/inventory/reservations';

/** Requests product-service served on its two checkout routes, from its own /metrics. */
async function productServed(shop: Shop): Promise<{ reservations: number; prices: number }> {
  const samples = parseExposition(await (await fetch(`${shop.product.svc.url}/metrics`)).text());
  const served = (route: string) =>
    sampleValue(samples, 'http_server_request_duration_seconds_count', { method: 'POST', route });
  return { reservations: served(RESERVE), prices: served('/internal/prices') };
}

const seen = (calls: SeenCall[]) => calls.map((c) => `${c.method} ${c.url}`);

type Rewrite = (body: Record<string, unknown>) => void;

/**
 * Forwards to product-service, rewriting the JSON answer of the POST routes named: a test double
 * for a product-service replica that answers differently (older, or broken).
 */
function rewritingProxy(target: () => string, rewrites: Record<string, Rewrite>) {
  return neighbourProxy(target, (req, res) => {
    const rewrite = req.method === 'POST' ? rewrites[req.url ?? ''] : undefined;
    if (!rewrite) return false;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = { ...req.headers } as Record<string, string>;
      delete headers['content-length'];
      void fetch(new URL(req.url as string, target()), {
        method: 'POST',
        headers,
        body: Buffer.concat(chunks),
      })
        .then(async (answer) => {
          const body = (await answer.json()) as Record<string, unknown>;
          rewrite(body);
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        })
        .catch(() => res.writeHead(502).end());
    });
    return true;
  });
}

type Line = { sku: string; quantity: number; price?: unknown };

/** A replica from before prices were in the reservation answer. */
const withoutPrices: Rewrite = (body) => {
  if (Array.isArray(body.items))
    body.items = (body.items as Line[]).map((i) => ({ sku: i.sku, quantity: i.quantity }));
};

/** A broken replica: every price in the price list as a string ("1900"), which no total may use. */
const pricesAsStrings: Rewrite = (body) => {
  if (Array.isArray(body.items))
    body.items = (body.items as Line[]).map((i) => ({ ...i, price: String(i.price) }));
};

// Issue 16 item 3: the reservation answers with the prices, so the checkout makes no separate
// price call; the order is priced with what was reserved.
describe('checkout priced by its reservation', () => {
  let shop: Shop;

  beforeAll(async () => {
    // No retry worker: nothing but the request itself talks to product-service here.
    shop = await startShop({ recordCalls: true, checkoutEnv: { PAYMENT_RETRY_WORKER_ENABLED: 'false' } });
  });
  afterAll(() => shop?.close());

  it('makes exactly one product-service call before the order exists', async () => {
    const [mug] = await seedProduct(shop, [{ price: 1250, stock: 10 }]);
    const cart = await guestCart(shop, [{ sku: mug, quantity: 2 }]);
    const from = shop.calls.product.length;
    const served = await productServed(shop);
    // A payment outage stops the saga right after createOrder: the order exists, parked.
    await setPaymentFaults(shop, { outageRate: 1 });
    let res;
    try {
      res = await checkout(shop, cart);
    } finally {
      await setPaymentFaults(shop, { outageRate: 0 });
    }
    expect(res.status).toBe(202);
    expect(res.body.order).toMatchObject({
      status: 'PENDING_PAYMENT',
      lines: [expect.objectContaining({ sku: mug, unitPrice: 1250, quantity: 2, lineTotal: 2500 })],
      total: 2500,
    });
    expect(seen(shop.calls.product.slice(from))).toEqual([`POST ${RESERVE}`]);
    // The same count as product-service itself saw it.
    expect(await productServed(shop)).toEqual({
      reservations: served.reservations + 1,
      prices: served.prices,
    });

    // A paid checkout: the reservation, then its commit once paid.
    const paid = await guestCart(shop, [{ sku: mug, quantity: 1 }]);
    const next = shop.calls.product.length;
    const ok = await checkout(shop, paid);
    expect(ok.status).toBe(201);
    expect(seen(shop.calls.product.slice(next))).toEqual([
      `POST ${RESERVE}`,
      `POST ${RESERVE}/${encodeURIComponent(`order:${ok.body.order.id}`)}/commit`,
    ]);
  });

  it('releases the reservation when pricing refuses what was reserved', async () => {
    const [eur, other] = await seedProduct(shop, [
      { price: 500, stock: 4 },
      { price: 700, stock: 4 },
    ]);
    const cart = await guestCart(shop, [
      { sku: eur, quantity: 1 },
      { sku: other, quantity: 2 },
    ]);
    // After the cart was filled: its lines now mix currencies, which only pricing refuses.
    const changed = await shop.product.api.patch(
      `/admin/products/${await productIdOf(shop, other)}`,
      { variants: [{ sku: other, currency: 'USD' }] },
      { token: shop.adminToken },
    );
    expect(changed.status).toBe(200);
    const from = shop.calls.product.length;
    const res = await checkout(shop, cart);
    expect(expectProblem(res, 422).type).toMatch(/currency-mismatch$/);

    const calls = seen(shop.calls.product.slice(from));
    expect(calls).toEqual([`POST ${RESERVE}`, expect.stringMatching(/\/release$/)]);
    const reservations = await productSql<{ status: string }>(
      shop,
      `SELECT status FROM reservation WHERE items @> $1::jsonb`,
      [JSON.stringify([{ sku: other }])],
    );
    expect(reservations).toEqual([{ status: 'released' }]);
    expect(await stockOf(shop, eur)).toEqual({ available: 4, reserved: 0, sold: 0 });
    expect(await stockOf(shop, other)).toEqual({ available: 4, reserved: 0, sold: 0 });
    expect(await checkoutSql(shop, 'SELECT 1 FROM orders WHERE cart_id = $1', [cart.id])).toHaveLength(0);
  });

  it('refuses a product taken off sale with the same problem as before, reserving nothing', async () => {
    const [lamp] = await seedProduct(shop, [{ price: 3000, stock: 3 }]);
    const cart = await guestCart(shop, [{ sku: lamp, quantity: 1 }]);
    const archived = await shop.product.api.patch(
      `/admin/products/${await productIdOf(shop, lamp)}`,
      { status: 'archived' },
      { token: shop.adminToken },
    );
    expect(archived.status).toBe(200);
    const from = shop.calls.product.length;
    const res = await checkout(shop, cart);
    expect(expectProblem(res, 422)).toMatchObject({
      type: expect.stringMatching(/sku-unavailable$/),
      skus: [lamp],
    });
    // Refused by the reservation itself: no stock held, nothing to release (the release finds no key).
    expect(await stockOf(shop, lamp)).toEqual({ available: 3, reserved: 0, sold: 0 });
    expect(
      await productSql(shop, `SELECT 1 FROM reservation WHERE items @> $1::jsonb`, [
        JSON.stringify([{ sku: lamp }]),
      ]),
    ).toEqual([]);
    expect(seen(shop.calls.product.slice(from))[0]).toBe(`POST ${RESERVE}`);
  });

  it('asks for the prices when the reservation answer has none (a product-service replica from before)', async () => {
    const [tee] = await seedProduct(shop, [{ price: 1900, stock: 5 }]);
    const proxy = await rewritingProxy(() => shop.product.svc.url, { [RESERVE]: withoutPrices });
    try {
      const replica = await shop.replica({ PRODUCT_SERVICE_URL: proxy.url });
      const cart = await guestCart(shop, [{ sku: tee, quantity: 2 }]);
      const served = await productServed(shop);
      const res = await apiClient(replica.url).post(
        '/checkout',
        checkoutBody(cart),
        as(cart, { 'idempotency-key': randomUUID() }),
      );
      expect(res.status).toBe(201);
      // The rollout's one extra call, made only then.
      expect(await productServed(shop)).toEqual({
        reservations: served.reservations + 1,
        prices: served.prices + 1,
      });
      expect(res.body.order).toMatchObject({
        status: 'PAID',
        lines: [expect.objectContaining({ sku: tee, unitPrice: 1900, quantity: 2 })],
        total: 3800,
      });
      expect(await stockOf(shop, tee)).toEqual({ available: 3, reserved: 0, sold: 2 });
    } finally {
      await proxy.close();
    }
  });

  it('answers 503 and holds no stock when the price list it falls back to is malformed', async () => {
    const [cap] = await seedProduct(shop, [{ price: 1900, stock: 5 }]);
    const proxy = await rewritingProxy(() => shop.product.svc.url, {
      [RESERVE]: withoutPrices,
      '/internal/prices': pricesAsStrings,
    });
    try {
      const replica = await shop.replica({ PRODUCT_SERVICE_URL: proxy.url });
      const api = apiClient(replica.url);
      const cart = await guestCart(shop, [{ sku: cap, quantity: 2 }]);

      // Adding to a cart reads the same price list: refused as the dependency's failure.
      const add = await api.post(`/carts/${cart.id}/items`, { sku: cap, quantity: 1 }, as(cart));
      expect(expectProblem(add, 503).type).toMatch(/service-unavailable$/);
      expect(add.headers.get('retry-after')).toMatch(/^\d+$/);

      const res = await api.post(
        '/checkout',
        checkoutBody(cart),
        as(cart, { 'idempotency-key': randomUUID() }),
      );
      expect(expectProblem(res, 503).type).toMatch(/service-unavailable$/);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      // The reservation made before the price list was read is given back, and no order is priced.
      expect(await stockOf(shop, cap)).toEqual({ available: 5, reserved: 0, sold: 0 });
      const held = await productSql<{ status: string }>(
        shop,
        `SELECT status FROM reservation WHERE items @> $1::jsonb`,
        [JSON.stringify([{ sku: cap }])],
      );
      expect(held).toEqual([{ status: 'released' }]);
      expect(await checkoutSql(shop, 'SELECT total FROM orders WHERE cart_id = $1', [cart.id])).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});
