import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@ha-shop/testkit';
import { Shop, startShop } from './support/shop';

const CARD_OK = '4242424242424242';
const CARD_DECLINED = '4000000000000002';

describe('customer journey across all five services, HTTP only', () => {
  let shop: Shop;
  let adminToken: string;
  const sku = `TEA-${randomUUID().slice(0, 8).toUpperCase()}`;

  const login = async (email: string, password: string) => {
    const res = await shop.user!.api.post('/auth/login', { email, password });
    expect(res.status).toBe(200);
    return res.body.accessToken as string;
  };
  const stock = async () =>
    (await shop.product.api.get(`/admin/variants/${sku}/stock`, { token: adminToken })).body;
  const checkoutWith = async (token: string, card: string) => {
    const cart = await shop.checkout.api.post('/carts', undefined, { token });
    expect([200, 201]).toContain(cart.status);
    const added = await shop.checkout.api.post(
      `/carts/${cart.body.id}/items`,
      { sku, quantity: 2 },
      { token },
    );
    expect(added.status).toBe(200);
    return shop.checkout.api.post(
      '/checkout',
      {
        cartId: cart.body.id,
        shippingAddress: {
          name: 'Grace Hopper',
          line1: '1 Harbour St',
          city: 'Arlington',
          postalCode: '22201',
          country: 'US',
        },
        payment: {
          card: { number: card, expMonth: 12, expYear: new Date().getUTCFullYear() + 1, cvc: '123' },
        },
      },
      { token, headers: { 'idempotency-key': randomUUID() } },
    );
  };

  beforeAll(async () => {
    shop = await startShop();
    adminToken = await login(shop.admin!.email, shop.admin!.password);
    const category = await shop.product.api.post(
      '/admin/categories',
      { slug: 'tea', name: 'Tea' },
      { token: adminToken },
    );
    expect(category.status).toBe(201);
    const product = await shop.product.api.post(
      '/admin/products',
      {
        slug: 'smoky-lapsang-souchong',
        name: 'Smoky Lapsang Souchong',
        description: 'Pine-smoked black tea leaves.',
        categorySlug: 'tea',
        variants: [{ sku, price: 1450, currency: 'EUR', stock: 10, options: { size: '100g' } }],
      },
      { token: adminToken },
    );
    expect(product.status).toBe(201);
  });
  afterAll(() => shop?.close());

  it('register → login → search → cart → checkout → PAID → KPIs', async () => {
    const email = `grace.${randomUUID().slice(0, 6)}@example.test`;
    const password = 'correct horse battery staple';
    expect((await shop.user!.api.post('/users', { email, password, name: 'Grace' })).status).toBe(201);
    const token = await login(email, password);

    // A typo still finds it: full-text plus trigram search.
    const search = await shop.product.api.get('/search?q=lapsang%20suchong');
    expect(search.status).toBe(200);
    const hit = search.body.items[0];
    expect(hit.slug).toBe('smoky-lapsang-souchong');
    expect((await shop.product.api.get(`/products/${hit.slug}`)).status).toBe(200);

    const res = await checkoutWith(token, CARD_OK);
    expect(res.status).toBe(201);
    expect(res.body.order).toMatchObject({ status: 'PAID', total: 2900, currency: 'EUR' });
    const order = await shop.checkout.api.get(`/orders/${res.body.order.id}`, { token });
    expect(order.body.status).toBe('PAID');
    expect(await stock()).toMatchObject({ available: 8 });

    const kpis = await waitFor(
      async () => {
        const k = (await shop.analytics!.api.get('/analytics/kpis?window=1h', { token: adminToken })).body;
        // Each producer's feed is pulled on its own schedule: wait until every feed the
        // assertions below read from (product views, checkout, payment) has been applied.
        const settled =
          k.orders.paid === 1 &&
          k.funnel.productViews >= 1 &&
          k.activeUsers >= 1 &&
          k.paymentSuccessRate !== null;
        return settled ? k : undefined;
      },
      { what: 'the paid order in the KPIs', timeoutMs: 15_000 },
    );
    expect(kpis.revenue).toEqual([{ currency: 'EUR', amountMinor: 2900 }]);
    expect(kpis.averageOrderValue).toEqual([{ currency: 'EUR', amountMinor: 2900 }]);
    expect(kpis.funnel).toMatchObject({ cartAdds: 1, checkoutsStarted: 1, paid: 1 });
    expect(kpis.paymentSuccessRate).toBe(1);
  });

  it('a declined card ends PAYMENT_FAILED with the stock restored', async () => {
    const email = `alan.${randomUUID().slice(0, 6)}@example.test`;
    const password = 'a long enough passphrase';
    expect((await shop.user!.api.post('/users', { email, password, name: 'Alan' })).status).toBe(201);
    const token = await login(email, password);
    const before = await stock();
    const res = await checkoutWith(token, CARD_DECLINED);
    expect(res.status).toBe(201);
    expect(res.body.order.status).toBe('PAYMENT_FAILED');
    expect(await stock()).toEqual(before);
    const k = await waitFor(
      async () => {
        const body = (await shop.analytics!.api.get('/analytics/kpis?window=1h', { token: adminToken })).body;
        // The decline reaches analytics through two feeds (checkout's order, payment's attempt).
        return body.orders.paymentFailed === 1 && body.paymentSuccessRate !== 1 ? body : undefined;
      },
      { what: 'the failed payment in the KPIs', timeoutMs: 15_000 },
    );
    expect(k.paymentSuccessRate).toBe(0.5);
    expect(k.orders.paid).toBe(1);
  });
});
