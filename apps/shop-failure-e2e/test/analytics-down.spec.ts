// analytics-service is down (killed): shopping must not notice, and nothing is lost for analytics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Answer, call, cartWith, placeOrder, round, seedProduct } from './support/journeys';
import { waitFor } from '@ha-shop/testkit';
import { failureWait } from './support/load';
import { SERVICE_NAMES } from './support/service-process';
import { Shop } from './support/shop';

describe('analytics-service down', () => {
  let shop: Shop;
  let sku: string;

  beforeAll(async () => {
    shop = await Shop.start({ services: [...SERVICE_NAMES] });
    [sku] = await seedProduct(shop, [{ price: 4200, stock: 20 }]);
  });
  afterAll(() => shop?.close());

  it('lets a customer sign up, browse, fill a cart, pay and see the order while analytics is down', async () => {
    const analytics = shop.svc('analytics-service');
    const adminToken = await shop.adminToken();
    const kpis = () => call(analytics.url, 'GET', '/analytics/kpis?window=1h', { token: adminToken });
    const before = (await kpis()).body.orders.paid as number;
    await analytics.kill();

    const steps: Array<[string, Answer]> = [];
    const step = async (name: string, answer: Promise<Answer>) => {
      const a = await answer;
      steps.push([name, a]);
      expect(a.status, `${name}: ${JSON.stringify(a.body)}`).toBeLessThan(300);
      return a;
    };
    const productUrl = shop.svc('product-service').url;
    const checkoutUrl = shop.svc('checkout-service').url;
    const started = performance.now();
    const userUrl = shop.svc('user-service').url;
    const email = `shopper-${Date.now()}@e2e.ha-shop.dev`;
    const password = 'correct horse battery staple 42';
    await step(
      'POST /users',
      call(userUrl, 'POST', '/users', { body: { email, password, name: 'Grace Hopper' } }),
    );
    const login = await step(
      'POST /auth/login',
      call(userUrl, 'POST', '/auth/login', { body: { email, password } }),
    );
    const token = login.body.accessToken as string;
    const me = await step('GET /users/me', call(userUrl, 'GET', '/users/me', { token }));
    expect(me.body.email).toBe(email);
    const list = await step('GET /products', call(productUrl, 'GET', '/products?limit=20'));
    const slug = (list.body.items as Array<{ slug: string; variants: Array<{ sku: string }> }>).find((p) =>
      p.variants.some((v) => v.sku === sku),
    )!.slug;
    await step('GET /products/{slug}', call(productUrl, 'GET', `/products/${slug}`, { token }));
    await step('GET /search', call(productUrl, 'GET', `/search?q=${encodeURIComponent('Product')}`));
    const cart = await cartWith(checkoutUrl, [{ sku, quantity: 2 }], token, (name, a) =>
      steps.push([name, a]),
    );
    const placed = await step('POST /checkout', placeOrder(checkoutUrl, cart));
    expect(placed.status).toBe(201);
    expect(placed.body.order).toMatchObject({ status: 'PAID', total: 8400, currency: 'EUR' });
    const orders = await step('GET /orders', call(checkoutUrl, 'GET', '/orders', { token }));
    expect(orders.body.items.map((o: { id: string }) => o.id)).toContain(placed.body.order.id);
    const journeyMs = performance.now() - started;
    // Nobody's readiness depends on analytics.
    for (const name of SERVICE_NAMES.filter((n) => n !== 'analytics-service')) {
      expect(await shop.svc(name).probe('/health/ready'), name).toBe(200);
    }

    // Back up, analytics catches up from the feeds: the order written while it was down is counted.
    await analytics.start();
    const after = await waitFor(
      async () => {
        const res = await kpis();
        return res.status === 200 && res.body.orders.paid >= before + 1 ? res.body : undefined;
      },
      failureWait('analytics to count the order', 30_000, 500),
    );
    expect(after.orders.paid).toBe(before + 1);
    const slowest = steps.reduce((m, s) => (s[1].ms > m[1].ms ? s : m));
    console.log(
      `[analytics down] journey of ${steps.length} requests, all 2xx, in ${round(journeyMs)} ms ` +
        `(slowest ${slowest[0]} ${round(slowest[1].ms)} ms); ` +
        `analytics counted the order after its restart (paid ${before} → ${after.orders.paid})`,
    );
  });
});
