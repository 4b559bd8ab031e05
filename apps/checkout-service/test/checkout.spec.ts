// Over 250 lines: the checkout journey's cases share one booted checkout-service with real product- and payment-service neighbours.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_MAX } from '@ha-shop/service-kit';
import { expectProblem } from '@ha-shop/testkit';
import { requestFingerprint } from '../src/checkout/checkout.service';
import {
  as,
  CARDS,
  checkout,
  checkoutBody,
  checkoutSql,
  customerCart,
  guestCart,
  paymentSql,
  seedProduct,
  Shop,
  startShop,
  stockOf,
} from './support';

describe('checkout journey', () => {
  let shop: Shop;
  let mug: string;
  let lamp: string;

  beforeAll(async () => {
    shop = await startShop({ checkoutEnv: { IDEMPOTENCY_WAIT_MS: '300' } });
    [mug, lamp] = await seedProduct(shop, [
      { price: 1250, stock: 20 },
      { price: 4999, stock: 5 },
    ]);
  });
  afterAll(() => shop?.close());

  it('adds to a cart, checks out, and ends PAID with the stock committed', async () => {
    const user = await shop.issuer.token({ email: 'ada@example.test' });
    const cart = await customerCart(shop, user, [
      { sku: mug, quantity: 2 },
      { sku: lamp, quantity: 1 },
    ]);
    const res = await checkout(shop, cart);
    expect(res.status).toBe(201);
    const order = res.body.order;
    expect(order).toMatchObject({
      status: 'PAID',
      currency: 'EUR',
      subtotal: 2 * 1250 + 4999,
      total: 2 * 1250 + 4999,
      email: 'ada@example.test',
      lines: expect.arrayContaining([
        expect.objectContaining({ sku: mug, unitPrice: 1250, quantity: 2, lineTotal: 2500 }),
        expect.objectContaining({ sku: lamp, unitPrice: 4999, quantity: 1, lineTotal: 4999 }),
      ]),
    });
    expect(order.paymentId).toEqual(expect.any(String));
    expect(await stockOf(shop, mug)).toEqual({ available: 18, reserved: 0, sold: 2 });
    expect(await stockOf(shop, lamp)).toEqual({ available: 4, reserved: 0, sold: 1 });

    const [reservation] = await checkoutSql(shop, 'SELECT reservation_status FROM orders WHERE id = $1', [
      order.id,
    ]);
    expect(reservation.reservation_status).toBe('committed');
    // The card is kept only while the order waits for payment.
    expect(
      await checkoutSql(shop, 'SELECT 1 FROM pending_payment WHERE order_id = $1', [order.id]),
    ).toHaveLength(0);

    const events = await checkoutSql<{ type: string; payload: Record<string, unknown> }>(
      shop,
      `SELECT type, payload FROM outbox_event WHERE type LIKE 'order.%' AND aggregate_id = $1 ORDER BY seq`,
      [order.id],
    );
    expect(events.map((e) => e.type)).toEqual(['order.placed', 'order.paid']);
    expect(events[1].payload).toMatchObject({ total: 7499, currency: 'EUR', userId: order.userId });

    // The cart is used up; reading the order back works for its owner.
    const cartNow = await shop.checkout.api.get(`/carts/${cart.id}`, { token: user });
    expect(cartNow.body.status).toBe('checked_out');
    const again = await shop.checkout.api.get(`/orders/${order.id}`, { token: user });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(order);
  });

  it('declined card: PAYMENT_FAILED, stock back, cart usable again', async () => {
    const before = await stockOf(shop, lamp);
    const cart = await guestCart(shop, [{ sku: lamp, quantity: 2 }]);
    const res = await checkout(shop, cart, randomUUID(), checkoutBody(cart, CARDS.declined));
    expect(res.status).toBe(201);
    expect(res.body.order).toMatchObject({
      status: 'PAYMENT_FAILED',
      declineCode: 'card_declined',
      userId: null,
    });
    expect(await stockOf(shop, lamp)).toEqual(before);
    const [row] = await checkoutSql(shop, 'SELECT reservation_status FROM orders WHERE id = $1', [
      res.body.order.id,
    ]);
    expect(row.reservation_status).toBe('released');

    // The guest can retry with another card on the same cart.
    const retry = await checkout(shop, cart);
    expect(retry.status).toBe(201);
    expect(retry.body.order.status).toBe('PAID');
    expect(await stockOf(shop, lamp)).toEqual({
      ...before,
      available: before.available - 2,
      sold: before.sold + 2,
    });
    // Guests read their orders with the cart token.
    const guestRead = await shop.checkout.api.get(`/orders/${retry.body.order.id}`, {
      headers: { 'x-cart-token': cart.token! },
    });
    expect(guestRead.status).toBe(200);
    expectProblem(await shop.checkout.api.get(`/orders/${retry.body.order.id}`), 404);
  });

  it('replays the first response for the same key and refuses the key for another body', async () => {
    const cart = await guestCart(shop, [{ sku: mug, quantity: 1 }]);
    const key = randomUUID();
    const first = await checkout(shop, cart, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const replay = await checkout(shop, cart, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);

    const other = checkoutBody(cart, CARDS.ok, {
      shippingAddress: { ...checkoutBody(cart).shippingAddress, city: 'Paris' },
    });
    const reused = expectProblem(await checkout(shop, cart, key, other), 422);
    expect(reused.type).toMatch(/idempotency-key-reused$/);
    const payments = await paymentSql(shop, 'SELECT id FROM payment WHERE order_id = $1', [
      first.body.order.id,
    ]);
    expect(payments).toHaveLength(1);
  });

  it("keeps one guest's Idempotency-Key apart from another guest's", async () => {
    const key = `checkout-${randomUUID().slice(0, 8)}`;
    const a = await guestCart(shop, [{ sku: mug, quantity: 1 }]);
    const b = await guestCart(shop, [{ sku: mug, quantity: 1 }]);
    const first = await checkout(shop, a, key);
    expect(first.status).toBe(201);
    // Another guest choosing the same key neither gets a 422 nor learns that the key was used.
    const second = await checkout(shop, b, key);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.order.cartId).toBe(b.id);
    expect(second.body.order.id).not.toBe(first.body.order.id);
  });

  it('answers 409 while a key is in progress, and lets a retry take over once its lease ran out', async () => {
    const cart = await guestCart(shop, [{ sku: mug, quantity: 1 }]);
    const body = checkoutBody(cart);
    const key = randomUUID();
    const orderId = randomUUID();
    // A request that claimed the key and then died (crash, killed replica) before answering.
    await checkoutSql(
      shop,
      `INSERT INTO idempotency_record (key, scope, fingerprint, status, resource_id, lock_token, locked_until, expires_at)
       VALUES ($1, $4, $2, 'in_progress', $3, gen_random_uuid(), now() + interval '1 hour', now() + interval '1 day')`,
      [key, requestFingerprint(body, cart.token), orderId, `guest:${cart.id}`],
    );
    const busy = await checkout(shop, cart, key, body);
    expect(expectProblem(busy, 409).type).toMatch(/idempotency-in-progress$/);
    expect(busy.headers.get('retry-after')).toBe('1');

    await checkoutSql(
      shop,
      `UPDATE idempotency_record SET locked_until = now() - interval '1 second' WHERE key = $1`,
      [key],
    );
    const res = await checkout(shop, cart, key, body);
    expect(res.status).toBe(201);
    // The order id was fixed when the key was first claimed, so the retry finishes that very order.
    expect(res.body.order).toMatchObject({ id: orderId, status: 'PAID' });
    expect((await checkout(shop, cart, key, body)).headers.get('idempotent-replayed')).toBe('true');
  });

  it('does not sell stock that a crashed request already gave back when a retry takes over its key', async () => {
    const [rare] = await seedProduct(shop, [{ price: 800, stock: 3 }]);
    const cart = await guestCart(shop, [{ sku: rare, quantity: 2 }]);
    const body = checkoutBody(cart);
    const key = randomUUID();
    const orderId = randomUUID();
    // The first request reserved, gave the stock back (its order insert failed) and died before letting
    // go of the key; a reservation that expired before a late retry looks the same to product-service.
    await checkoutSql(
      shop,
      `INSERT INTO idempotency_record (key, scope, fingerprint, status, resource_id, lock_token, locked_until, expires_at)
       VALUES ($1, $4, $2, 'in_progress', $3, gen_random_uuid(), now() - interval '1 second', now() + interval '1 day')`,
      [key, requestFingerprint(body, cart.token), orderId, `guest:${cart.id}`],
    );
    const internal = { headers: { 'x-internal-token': shop.internalToken } };
    const reserved = await shop.product.api.post(
      '/internal/inventory/reservations',
      { reservationKey: `order:${orderId}`, items: [{ sku: rare, quantity: 2 }] },
      internal,
    );
    expect(reserved.status).toBe(201);
    const released = await shop.product.api.post(
      `/internal/inventory/reservations/order:${orderId}/release`,
      undefined,
      internal,
    );
    expect(released.status).toBe(200);

    // Nothing is held and this order id cannot reserve again: retryable, and the retry gets a new one.
    const res = await checkout(shop, cart, key, body);
    expect(expectProblem(res, 503).reason).toBe('reservation-gone');
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await checkoutSql(shop, 'SELECT 1 FROM orders WHERE id = $1', [orderId])).toHaveLength(0);
    expect(await paymentSql(shop, 'SELECT 1 FROM payment WHERE order_id = $1', [orderId])).toHaveLength(0);
    expect(await stockOf(shop, rare)).toEqual({ available: 3, reserved: 0, sold: 0 });
    // No order came of it, so the key is free: the retry starts afresh and reserves for real.
    const retry = await checkout(shop, cart, key, body);
    expect(retry.status).toBe(201);
    expect(retry.body.order.status).toBe('PAID');
    expect(await stockOf(shop, rare)).toEqual({ available: 1, reserved: 0, sold: 2 });
  });

  it('needs an Idempotency-Key and answers bad input with 4xx problems', async () => {
    const cart = await guestCart(shop, [{ sku: mug, quantity: 1 }]);
    const noKey = await shop.checkout.api.post('/checkout', checkoutBody(cart), {
      headers: { 'x-cart-token': cart.token! },
    });
    expect(expectProblem(noKey, 400).type).toMatch(/idempotency-key-required$/);
    expectProblem(await checkout(shop, cart, 'x'.repeat(IDEMPOTENCY_KEY_MAX + 1)), 400);
    expectProblem(await checkout(shop, cart, randomUUID(), { ...checkoutBody(cart), cartId: 'nope' }), 400);
    expectProblem(await checkout(shop, cart, randomUUID(), { ...checkoutBody(cart), admin: true }), 400);
    expectProblem(await checkout(shop, cart, randomUUID(), checkoutBody(cart, '4242424242424241')), 400);
    const noEmail: Record<string, unknown> = checkoutBody(cart);
    delete noEmail.email;
    expect(expectProblem(await checkout(shop, cart, randomUUID(), noEmail), 422).type).toMatch(
      /email-required$/,
    );
    const badAddress = checkoutBody(cart, CARDS.ok, {
      shippingAddress: { name: 'x', line1: 'y', city: 'z', postalCode: '1', country: 'XX' },
    });
    expectProblem(await checkout(shop, cart, randomUUID(), badAddress), 400);
    expectProblem(
      await shop.checkout.api.request('POST', '/checkout', {
        rawBody: '{"cartId":',
        headers: { 'idempotency-key': 'k' },
      }),
      400,
    );
    // Nothing above created an order.
    expect(await checkoutSql(shop, 'SELECT 1 FROM orders WHERE cart_id = $1', [cart.id])).toHaveLength(0);
  });

  it('refuses empty carts and out-of-stock items without creating an order', async () => {
    const empty = await guestCart(shop);
    expect(expectProblem(await checkout(shop, empty), 422).type).toMatch(/cart-empty$/);

    const [scarce] = await seedProduct(shop, [{ price: 500, stock: 1 }]);
    const a = await guestCart(shop, [{ sku: scarce, quantity: 1 }]);
    const b = await guestCart(shop, [{ sku: scarce, quantity: 1 }]);
    expect((await checkout(shop, a)).status).toBe(201);
    const key = randomUUID();
    const out = expectProblem(await checkout(shop, b, key), 409);
    expect(out).toMatchObject({ type: expect.stringMatching(/out-of-stock$/), skus: [scarce] });
    expect(await checkoutSql(shop, 'SELECT 1 FROM orders WHERE cart_id = $1', [b.id])).toHaveLength(0);
    // No order came of it, so the key is free again: after a restock the same key goes through.
    await shop.product.api.post(`/admin/variants/${scarce}/stock`, { delta: 1 }, { token: shop.adminToken });
    expect((await checkout(shop, b, key)).status).toBe(201);
  });

  it('checks out a cart only once, whatever the keys', async () => {
    const cart = await guestCart(shop, [{ sku: mug, quantity: 1 }]);
    expect((await checkout(shop, cart)).status).toBe(201);
    expect(expectProblem(await checkout(shop, cart), 409).type).toMatch(/cart-not-active$/);
    const add = await shop.checkout.api.post(`/carts/${cart.id}/items`, { sku: mug, quantity: 1 }, as(cart));
    expect(expectProblem(add, 409).type).toMatch(/cart-not-active$/);
  });
});
