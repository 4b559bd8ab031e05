import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@ha-shop/testkit';
import {
  CARDS,
  checkout,
  checkoutBody,
  checkoutSql,
  customerCart,
  paymentSql,
  seedProduct,
  Shop,
  startShop,
  stockOf,
} from './support';

describe('orders', () => {
  let shop: Shop;
  let sku: string;
  let alice: string;
  let bob: string;
  const aliceOrders: string[] = [];

  async function placeOrder(user: string, card: string = CARDS.ok) {
    const cart = await customerCart(shop, user, [{ sku, quantity: 1 }]);
    const res = await checkout(shop, cart, randomUUID(), checkoutBody(cart, card));
    expect(res.status).toBe(201);
    return res.body.order;
  }

  beforeAll(async () => {
    shop = await startShop();
    [sku] = await seedProduct(shop, [{ price: 2500, stock: 50 }]);
    alice = await shop.issuer.token({ email: 'alice@example.test' });
    bob = await shop.issuer.token({ email: 'bob@example.test' });
    for (let i = 0; i < 3; i++) aliceOrders.push((await placeOrder(alice)).id);
  });
  afterAll(() => shop?.close());

  it("lists the caller's own orders, newest first, with cursor paging", async () => {
    const first = await shop.checkout.api.get('/orders?limit=2', { token: alice });
    expect(first.status).toBe(200);
    expect(first.body.items.map((o: { id: string }) => o.id)).toEqual([aliceOrders[2], aliceOrders[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await shop.checkout.api.get(`/orders?limit=2&cursor=${first.body.nextCursor}`, {
      token: alice,
    });
    expect(second.body.items.map((o: { id: string }) => o.id)).toEqual([aliceOrders[0]]);
    expect(second.body.nextCursor).toBeNull();

    expect((await shop.checkout.api.get('/orders', { token: bob })).body).toEqual({
      items: [],
      nextCursor: null,
    });
    expectProblem(await shop.checkout.api.get('/orders'), 401);
    expectProblem(await shop.checkout.api.get('/orders?limit=0', { token: alice }), 400);
    expectProblem(await shop.checkout.api.get('/orders?limit=abc', { token: alice }), 400);
    expectProblem(await shop.checkout.api.get('/orders?cursor=bm90LWpzb24', { token: alice }), 400);
    expectProblem(await shop.checkout.api.get('/orders?cursor=%27%3B--', { token: alice }), 400);
    expectProblem(await shop.checkout.api.get('/orders?sort=id', { token: alice }), 400);
    // Dates JavaScript parses but PostgreSQL refuses (Feb 30, a bare "1", before 4713 BC) are 400s, not 500s.
    for (const t of ['2024-02-30T00:00:00.000Z', '1', '-271821-04-20T00:00:00.000Z']) {
      const cursor = Buffer.from(JSON.stringify({ t, id: randomUUID() })).toString('base64url');
      expectProblem(await shop.checkout.api.get(`/orders?cursor=${cursor}`, { token: alice }), 400);
    }
  });

  it("hides another customer's order (404) and shows every order to admins", async () => {
    const id = aliceOrders[0];
    expect((await shop.checkout.api.get(`/orders/${id}`, { token: alice })).status).toBe(200);
    expectProblem(await shop.checkout.api.get(`/orders/${id}`, { token: bob }), 404);
    expectProblem(await shop.checkout.api.get(`/orders/${id}`), 404);
    expectProblem(await shop.checkout.api.get(`/orders/${randomUUID()}`, { token: alice }), 404);
    expectProblem(await shop.checkout.api.get('/orders/not-a-uuid', { token: alice }), 400);
    const admin = await shop.checkout.api.get(`/orders/${id}`, { token: shop.adminToken });
    expect(admin.body).toMatchObject({ id, status: 'PAID', email: 'alice@example.test' });
    const listed = await shop.checkout.api.get('/admin/orders?status=PAID&limit=100', {
      token: shop.adminToken,
    });
    expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual(expect.arrayContaining(aliceOrders));
    expectProblem(await shop.checkout.api.get('/admin/orders', { token: alice }), 403);
    expectProblem(await shop.checkout.api.get('/admin/orders?status=LOST', { token: shop.adminToken }), 400);
  });

  it('fulfils and refunds through the transition table, refusing illegal moves with 409', async () => {
    const admin = { token: shop.adminToken };
    const [toFulfil, toRefund] = [aliceOrders[1], aliceOrders[2]];

    expectProblem(
      await shop.checkout.api.post(`/admin/orders/${toFulfil}/fulfil`, undefined, { token: alice }),
      403,
    );
    const fulfilled = await shop.checkout.api.post(`/admin/orders/${toFulfil}/fulfil`, undefined, admin);
    expect(fulfilled.status).toBe(200);
    expect(fulfilled.body).toMatchObject({ status: 'FULFILLED', version: 2 });
    const again = expectProblem(
      await shop.checkout.api.post(`/admin/orders/${toFulfil}/fulfil`, undefined, admin),
      409,
    );
    expect(again).toMatchObject({
      type: expect.stringMatching(/illegal-transition$/),
      from: 'FULFILLED',
      to: 'FULFILLED',
    });
    const refundFulfilled = expectProblem(
      await shop.checkout.api.post(`/admin/orders/${toFulfil}/refund`, undefined, admin),
      409,
    );
    expect(refundFulfilled).toMatchObject({ from: 'FULFILLED', to: 'REFUNDED', allowed: [] });

    const refunded = await shop.checkout.api.post(`/admin/orders/${toRefund}/refund`, undefined, admin);
    expect(refunded.status).toBe(200);
    expect(refunded.body.status).toBe('REFUNDED');
    const [payment] = await paymentSql<{ amount: number; refunded_amount: number }>(
      shop,
      'SELECT amount, refunded_amount FROM payment WHERE order_id = $1',
      [toRefund],
    );
    expect(payment.refunded_amount).toBe(payment.amount);
    expectProblem(await shop.checkout.api.post(`/admin/orders/${toRefund}/refund`, undefined, admin), 409);
    expectProblem(await shop.checkout.api.post(`/admin/orders/${toRefund}/fulfil`, undefined, admin), 409);
    expectProblem(
      await shop.checkout.api.post(`/admin/orders/${randomUUID()}/fulfil`, undefined, admin),
      404,
    );
    expectProblem(await shop.checkout.api.post('/admin/orders/nope/fulfil', undefined, admin), 400);

    const events = await checkoutSql<{ type: string; aggregate_id: string }>(
      shop,
      `SELECT type, aggregate_id FROM outbox_event WHERE type IN ('order.fulfilled', 'order.refunded') ORDER BY seq`,
    );
    expect(events).toEqual([
      { type: 'order.fulfilled', aggregate_id: toFulfil },
      { type: 'order.refunded', aggregate_id: toRefund },
    ]);
    // Versions count the compare-and-set transitions: placed (0) → PAID (1) → FULFILLED (2).
    const [row] = await checkoutSql<{ version: number }>(shop, 'SELECT version FROM orders WHERE id = $1', [
      toFulfil,
    ]);
    expect(row.version).toBe(2);
  });

  it('lets an admin cancel a failed order, but not a paid one', async () => {
    const admin = { token: shop.adminToken };
    const before = await stockOf(shop, sku);
    const failed = await placeOrder(bob, CARDS.declined);
    expect(failed.status).toBe('PAYMENT_FAILED');
    expect(await stockOf(shop, sku)).toEqual(before);
    const cancelled = await shop.checkout.api.post(`/admin/orders/${failed.id}/cancel`, undefined, admin);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', cancelReason: 'admin' });
    expectProblem(
      await shop.checkout.api.post(`/admin/orders/${aliceOrders[0]}/cancel`, undefined, admin),
      409,
    );
  });
});
