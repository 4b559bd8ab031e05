import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogCapture } from '@ha-shop/testkit';
import { CARDS, checkoutBody, seedSku, Shop, startShop } from './support/shop';

const PASSWORD = 'Sup3r-secret-Passw0rd!';
const WRONG_PASSWORD = 'Wr0ng-secret-Passw0rd?';
const CVC = '947';
// A valid (Luhn) card number nobody else uses in these tests, so any sighting is a leak.
const OTHER_CARD = '5555555555554444';

describe('logs never contain passwords, tokens or card data', () => {
  const logs = new LogCapture();
  let shop: Shop;

  beforeAll(async () => {
    logs.install();
    // The most verbose level: whatever any code path logs, secrets must not be in it.
    shop = await startShop({ testIssuer: true, analytics: false, logLevel: 'trace' });
  });
  afterAll(async () => {
    await shop?.close();
    logs.uninstall();
  });

  it('across sign-up, sign-in, checkout and payment, including failures', async () => {
    const users = shop.user!.api;
    const email = `leak-${randomUUID().slice(0, 8)}@example.test`;
    expect((await users.post('/users', { email, password: PASSWORD, name: 'Leak Test' })).status).toBe(201);
    expect((await users.post('/auth/login', { email, password: WRONG_PASSWORD })).status).toBe(401);
    const login = await users.post('/auth/login', { email, password: PASSWORD });
    expect(login.status).toBe(200);
    const { accessToken, refreshToken } = login.body as { accessToken: string; refreshToken: string };
    const refreshed = await users.post('/auth/refresh', { refreshToken });
    await users.get('/users/me', { token: accessToken });
    // Malformed JSON carrying a password: parse errors must not echo the body.
    await users.request('POST', '/auth/login', { rawBody: `{"email":"${email}","password":"${PASSWORD}"` });
    // Unknown field next to a password: validation errors must not echo values.
    await users.post('/auth/login', { email, password: PASSWORD, extra: PASSWORD });

    const sku = await seedSku(shop);
    const customer = await shop.issuer!.token({ email: 'buyer@example.test' });
    const secrets = [
      PASSWORD,
      WRONG_PASSWORD,
      accessToken,
      refreshToken,
      customer,
      CARDS.ok,
      CARDS.declined,
      OTHER_CARD,
    ];
    if (refreshed.status === 200) secrets.push(refreshed.body.accessToken, refreshed.body.refreshToken);

    for (const card of [CARDS.ok, CARDS.declined]) {
      const cart = await shop.checkout.api.post('/carts', undefined, { token: customer });
      await shop.checkout.api.post(`/carts/${cart.body.id}/items`, { sku, quantity: 1 }, { token: customer });
      const res = await shop.checkout.api.post('/checkout', checkoutBody(cart.body.id, card, CVC), {
        token: customer,
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(res.status).toBe(201);
    }
    // A rejected checkout body (bad card number) and a malformed one still carry card data.
    const cart = await shop.checkout.api.post('/carts', undefined, { token: customer });
    await shop.checkout.api.post('/checkout', checkoutBody(cart.body.id, '1234567890123456', CVC), {
      token: customer,
      headers: { 'idempotency-key': randomUUID() },
    });
    await shop.checkout.api.request('POST', '/checkout', {
      token: customer,
      headers: { 'idempotency-key': randomUUID() },
      rawBody: `{"cartId":"${cart.body.id}","payment":{"card":{"number":"${OTHER_CARD}","cvc":"${CVC}"`,
    });
    // payment-service directly, as checkout calls it, with internal token and a card.
    await shop.payment.api.post(
      '/payments',
      {
        orderId: randomUUID(),
        amount: 1000,
        currency: 'EUR',
        card: { number: OTHER_CARD, expMonth: 1, expYear: 2099, cvc: CVC },
      },
      { headers: { 'x-internal-token': shop.internalToken, 'idempotency-key': randomUUID() } },
    );
    secrets.push(shop.internalToken, shop.faultSecret);

    // Let the last response lines flush.
    await new Promise((r) => setTimeout(r, 300));
    const text = logs.text;
    const lines = logs.lines();
    // The capture saw the traffic of every service (else this test proves nothing).
    for (const service of ['user-service', 'checkout-service', 'payment-service', 'product-service']) {
      expect(
        lines.some((l) => l.service === service && l.msg === 'request completed'),
        service,
      ).toBe(true);
    }
    for (const secret of secrets) {
      expect(text.includes(secret), `log contains a secret (${secret.slice(0, 6)}…)`).toBe(false);
    }
    expect(text).not.toMatch(/"cvc":\s*"?\d/);
    expect(text).not.toMatch(/\$argon2id\$/);
    expect(text).not.toMatch(/PRIVATE KEY/);
  });
});
