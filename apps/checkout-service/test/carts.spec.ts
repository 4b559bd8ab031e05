// Over 250 lines: the cart API's cases share one booted shop (checkout-service with real product- and payment-service).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@ha-shop/testkit';
import {
  addItem,
  as,
  checkout,
  checkoutSql,
  customerCart,
  guestCart,
  productIdOf,
  seedProduct,
  Shop,
  startShop,
} from './support';

describe('carts', () => {
  let shop: Shop;
  let mug: string;
  let tee: string;
  let usd: string;

  beforeAll(async () => {
    shop = await startShop();
    [mug, tee] = await seedProduct(shop, [
      { price: 1250, stock: 100 },
      { price: 2000, stock: 100 },
    ]);
    [usd] = await seedProduct(shop, [{ price: 999, stock: 10, currency: 'USD' }]);
  });
  afterAll(() => shop?.close());

  it('gives guests a cart and a token that is its capability', async () => {
    const created = await shop.checkout.api.post('/carts');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      items: [],
      subtotal: 0,
      currency: null,
      userId: null,
      status: 'active',
    });
    expect(created.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cart = { id: created.body.id, token: created.body.token };

    const added = await addItem(shop, cart, mug, 2);
    expect(added.body).toMatchObject({
      items: [{ sku: mug, quantity: 2, unitPrice: 1250, lineTotal: 2500, currency: 'EUR', available: true }],
      subtotal: 2500,
      itemCount: 2,
      currency: 'EUR',
      pricesStale: false,
    });
    expect(added.body.token).toBeUndefined();
    expect(added.body.items[0].name).toMatch(/^Product /);

    // Without the token, or with a wrong one, the cart does not exist.
    expectProblem(await shop.checkout.api.get(`/carts/${cart.id}`), 404);
    expectProblem(
      await shop.checkout.api.get(`/carts/${cart.id}`, { headers: { 'x-cart-token': 'x'.repeat(43) } }),
      404,
    );
    const other = await shop.issuer.token();
    expectProblem(await shop.checkout.api.get(`/carts/${cart.id}`, { token: other }), 404);
    expect((await shop.checkout.api.get(`/carts/${cart.id}`, as(cart))).status).toBe(200);

    const events = await checkoutSql(
      shop,
      `SELECT payload FROM outbox_event WHERE type = 'cart.item_added' AND aggregate_id = $1`,
      [cart.id],
    );
    expect(events).toEqual([
      { payload: expect.objectContaining({ sku: mug, quantity: 2, unitPrice: 1250, currency: 'EUR' }) },
    ]);
  });

  it('binds customers to one cart and hides it from everyone else', async () => {
    const alice = await shop.issuer.token();
    const bob = await shop.issuer.token();
    const first = await shop.checkout.api.post('/carts', undefined, { token: alice });
    expect(first.status).toBe(201);
    expect(first.body.token).toBeUndefined();
    const again = await shop.checkout.api.post('/carts', undefined, { token: alice });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);

    const cart = { id: first.body.id, userToken: alice };
    await addItem(shop, cart, tee, 1);
    for (const res of [
      await shop.checkout.api.get(`/carts/${cart.id}`, { token: bob }),
      await shop.checkout.api.get(`/carts/${cart.id}`),
      await shop.checkout.api.post(`/carts/${cart.id}/items`, { sku: mug, quantity: 1 }, { token: bob }),
      await shop.checkout.api.patch(`/carts/${cart.id}/items/${tee}`, { quantity: 3 }, { token: bob }),
      await shop.checkout.api.delete(`/carts/${cart.id}/items/${tee}`, { token: bob }),
      await shop.checkout.api.delete(`/carts/${cart.id}`, { token: bob }),
      await shop.checkout.api.post(
        '/checkout',
        { cartId: cart.id },
        { token: bob, headers: { 'idempotency-key': randomUUID() } },
      ),
    ]) {
      expect([400, 404]).toContain(res.status);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    const mine = await shop.checkout.api.get(`/carts/${cart.id}`, { token: alice });
    expect(mine.body.items).toEqual([expect.objectContaining({ sku: tee, quantity: 1 })]);
  });

  it('changes and removes lines within the limits', async () => {
    const cart = await guestCart(shop, [{ sku: mug, quantity: 3 }]);
    const more = await addItem(shop, cart, mug, 4);
    expect(more.body.items[0].quantity).toBe(7);
    const tooMany = await shop.checkout.api.post(
      `/carts/${cart.id}/items`,
      { sku: mug, quantity: 4 },
      as(cart),
    );
    expect(expectProblem(tooMany, 422).type).toMatch(/quantity-limit$/);

    const patched = await shop.checkout.api.patch(
      `/carts/${cart.id}/items/${mug}`,
      { quantity: 10 },
      as(cart),
    );
    expect(patched.status).toBe(200);
    expect(patched.body.items[0]).toMatchObject({ quantity: 10, lineTotal: 12_500 });
    for (const quantity of [0, 11, 1.5, '2', null]) {
      expectProblem(
        await shop.checkout.api.patch(`/carts/${cart.id}/items/${mug}`, { quantity }, as(cart)),
        400,
      );
    }
    expectProblem(
      await shop.checkout.api.patch(`/carts/${cart.id}/items/${tee}`, { quantity: 1 }, as(cart)),
      404,
    );

    const removed = await shop.checkout.api.delete(`/carts/${cart.id}/items/${mug}`, as(cart));
    expect(removed.status).toBe(200);
    expect(removed.body.items).toEqual([]);
    expectProblem(await shop.checkout.api.delete(`/carts/${cart.id}/items/${mug}`, as(cart)), 404);

    expect((await shop.checkout.api.delete(`/carts/${cart.id}`, as(cart))).status).toBe(204);
    expectProblem(await shop.checkout.api.get(`/carts/${cart.id}`, as(cart)), 404);
  });

  it('refuses unknown SKUs, mixed currencies, bad input and a 51st line', async () => {
    const cart = await guestCart(shop, [{ sku: mug, quantity: 1 }]);
    const post = (body: unknown) => shop.checkout.api.post(`/carts/${cart.id}/items`, body, as(cart));
    expect(expectProblem(await post({ sku: 'NO-SUCH-SKU', quantity: 1 }), 422).type).toMatch(/unknown-sku$/);
    expect(expectProblem(await post({ sku: usd, quantity: 1 }), 422).type).toMatch(/currency-mismatch$/);
    for (const body of [
      {},
      { sku: mug },
      { sku: mug, quantity: 0 },
      { sku: mug, quantity: 11 },
      { sku: 'bad sku!', quantity: 1 },
      { sku: 'x'.repeat(65), quantity: 1 },
      { sku: mug, quantity: 1, price: 1 },
    ]) {
      expectProblem(await post(body), 400);
    }
    expectProblem(await shop.checkout.api.get('/carts/not-a-uuid', as(cart)), 400);
    expectProblem(await shop.checkout.api.get(`/carts/${randomUUID()}`, as(cart)), 404);
    expectProblem(
      await shop.checkout.api.patch(`/carts/${cart.id}/items/bad%20sku`, { quantity: 1 }, as(cart)),
      400,
    );
    expectProblem(
      await shop.checkout.api.get(`/carts/${cart.id}`, { headers: { 'x-cart-token': 'y'.repeat(500) } }),
      404,
    );

    const skus = await seedProduct(
      shop,
      Array.from({ length: 50 }, () => ({ price: 100, stock: 5 })),
    );
    const big = await guestCart(shop);
    for (const sku of skus) await addItem(shop, big, sku, 1);
    const full = await shop.checkout.api.post(`/carts/${big.id}/items`, { sku: mug, quantity: 1 }, as(big));
    expect(expectProblem(full, 422).type).toMatch(/cart-full$/);
    // Adding more of a line already there is still fine.
    expect((await addItem(shop, big, skus[0], 2)).body.items).toHaveLength(50);
  });

  it('re-reads prices on every read and refuses lines no longer on sale', async () => {
    const [sku] = await seedProduct(shop, [{ price: 700, stock: 10 }]);
    const cart = await guestCart(shop, [{ sku, quantity: 2 }]);
    const productId = await productIdOf(shop, sku);
    const token = shop.adminToken;
    await shop.product.api.patch(
      `/admin/products/${productId}`,
      { variants: [{ sku, price: 650 }] },
      { token },
    );
    const read = await shop.checkout.api.get(`/carts/${cart.id}`, as(cart));
    expect(read.body.items[0]).toMatchObject({ unitPrice: 650, lineTotal: 1300, available: true });
    // The snapshot is refreshed too, for reads while product-service is out.
    const [row] = await checkoutSql(shop, 'SELECT unit_price FROM cart_item WHERE cart_id = $1', [cart.id]);
    expect(row.unit_price).toBe(650);

    await shop.product.api.patch(`/admin/products/${productId}`, { status: 'archived' }, { token });
    const archived = await shop.checkout.api.get(`/carts/${cart.id}`, as(cart));
    expect(archived.body.items[0].available).toBe(false);
    const res = await checkout(shop, cart);
    expect(expectProblem(res, 422)).toMatchObject({
      type: expect.stringMatching(/sku-unavailable$/),
      skus: [sku],
    });
    const again = await shop.checkout.api.post(`/carts/${cart.id}/items`, { sku, quantity: 1 }, as(cart));
    expect(expectProblem(again, 422).type).toMatch(/sku-unavailable$/);
  });

  it('merges a guest cart into the signed-in customer cart', async () => {
    const user = await shop.issuer.token();
    const mine = await customerCart(shop, user, [{ sku: mug, quantity: 8 }]);
    const guest = await guestCart(shop, [
      { sku: mug, quantity: 5 },
      { sku: tee, quantity: 2 },
    ]);
    // The token is required, and only the signed-in customer can merge.
    expectProblem(
      await shop.checkout.api.post(
        '/carts/merge',
        { guestCartId: guest.id, guestCartToken: 'nope' },
        { token: user },
      ),
      404,
    );
    expectProblem(
      await shop.checkout.api.post('/carts/merge', { guestCartId: guest.id, guestCartToken: guest.token }),
      401,
    );
    const merged = await shop.checkout.api.post(
      '/carts/merge',
      { guestCartId: guest.id, guestCartToken: guest.token },
      { token: user },
    );
    expect(merged.status).toBe(200);
    expect(merged.body.id).toBe(mine.id);
    const bySku = Object.fromEntries(
      merged.body.items.map((i: { sku: string; quantity: number }) => [i.sku, i.quantity]),
    );
    expect(bySku).toEqual({ [mug]: 10, [tee]: 2 });
    // Merging again is harmless; the guest cart is gone for its old token holder.
    const again = await shop.checkout.api.post(
      '/carts/merge',
      { guestCartId: guest.id, guestCartToken: guest.token },
      { token: user },
    );
    expect(again.status).toBe(200);
    expect(again.body.items).toEqual(merged.body.items);
    expectProblem(await shop.checkout.api.get(`/carts/${guest.id}`, as(guest)), 404);
    const stranger = await shop.issuer.token();
    expectProblem(
      await shop.checkout.api.post(
        '/carts/merge',
        { guestCartId: guest.id, guestCartToken: guest.token },
        { token: stranger },
      ),
      404,
    );
  });

  it('documents its API and reports breaker states without touching dependencies in readiness', async () => {
    const doc = await shop.checkout.api.get('/docs/json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/carts',
        '/carts/{id}',
        '/carts/{id}/items',
        '/checkout',
        '/orders',
        '/orders/{id}',
      ]),
    );
    expect((await shop.checkout.api.get('/health/ready')).status).toBe(200);
    const details = await shop.checkout.api.get('/health/details');
    expect(details.body.dependencies).toHaveProperty(['checkout→product']);
  });
});
