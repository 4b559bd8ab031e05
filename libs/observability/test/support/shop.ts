// Boots the real services in-process (as their own tests do), each on a fresh database,
// sharing one token issuer. Tests may import the apps by relative path.
import { randomBytes, randomUUID } from 'node:crypto';
import type { RunningService } from '@ha-shop/service-kit';
import { apiClient, ApiClient, bootService, createTestDatabase, testEnv, TestIssuer } from '@ha-shop/testkit';
import { AppModule as AnalyticsApp } from '../../../../apps/analytics-service/src/app.module';
import { AppModule as CheckoutApp } from '../../../../apps/checkout-service/src/app.module';
import { AppModule as PaymentApp } from '../../../../apps/payment-service/src/app.module';
import { AppModule as ProductApp } from '../../../../apps/product-service/src/app.module';
import { AppModule as UserApp } from '../../../../apps/user-service/src/app.module';

export const CARDS = { ok: '4242424242424242', declined: '4000000000000002' } as const;

export interface Svc {
  svc: RunningService;
  api: ApiClient;
  db: string;
}

export interface Shop {
  issuer: TestIssuer;
  internalToken: string;
  faultSecret: string;
  product: Svc;
  payment: Svc;
  checkout: Svc;
  user?: Svc;
  analytics?: Svc;
  close(): Promise<void>;
}

export async function startShop(
  opts: { user?: boolean; analytics?: boolean; logLevel?: string } = {},
): Promise<Shop> {
  const issuer = await TestIssuer.start();
  const internalToken = randomBytes(16).toString('hex');
  const faultSecret = randomBytes(16).toString('hex');
  const common = {
    JWKS_URL: issuer.jwksUrl,
    INTERNAL_TOKEN: internalToken,
    FAULT_INJECTION_SECRET: faultSecret,
    ...(opts.logLevel ? { LOG_LEVEL: opts.logLevel } : {}),
  };
  const boot = async (
    name: string,
    make: (env: Record<string, string | undefined>) => unknown,
    extra: Record<string, string> = {},
  ) => {
    const db = await createTestDatabase(name.split('-')[0]);
    const svc = await bootService(make(testEnv({ ...common, DATABASE_URL: db, ...extra })), name);
    return { svc, db, api: apiClient(svc.url) };
  };
  const started: Svc[] = [];
  const track = (s: Svc) => {
    started.push(s);
    return s;
  };
  const [product, payment] = await Promise.all([
    boot('product-service', (env) => ProductApp.forRoot(env)).then(track),
    boot('payment-service', (env) => PaymentApp.forRoot(env)).then(track),
  ]);
  const checkout = track(
    await boot('checkout-service', (env) => CheckoutApp.forRoot(env), {
      PRODUCT_SERVICE_URL: product.svc.url,
      PAYMENT_SERVICE_URL: payment.svc.url,
      PAYMENT_DATA_KEY: randomBytes(32).toString('base64'),
    }),
  );
  const user = opts.user ? track(await boot('user-service', (env) => UserApp.forRoot(env))) : undefined;
  const analytics = opts.analytics
    ? track(
        await boot('analytics-service', (env) => AnalyticsApp.forRoot(env), {
          FEED_SOURCES: `checkout-service=${checkout.svc.url},payment-service=${payment.svc.url},product-service=${product.svc.url}`,
          FEED_POLL_INTERVAL_MS: '100',
        }),
      )
    : undefined;
  return {
    issuer,
    internalToken,
    faultSecret,
    product,
    payment,
    checkout,
    user,
    analytics,
    async close() {
      await Promise.allSettled(started.reverse().map((s) => s.svc.shutdown()));
      await issuer.close();
    },
  };
}

let n = 0;
const uniq = (p: string) => `${p}-${process.pid}-${++n}`;

/** A product with one variant via product-service's admin API; returns its SKU. */
export async function seedSku(shop: Shop, price = 1999, stock = 50): Promise<string> {
  const token = await shop.issuer.adminToken();
  const category = uniq('cat');
  const cat = await shop.product.api.post('/admin/categories', { slug: category, name: category }, { token });
  if (cat.status !== 201) throw new Error(`category: ${cat.status} ${JSON.stringify(cat.body)}`);
  const sku = uniq('SKU').toUpperCase();
  const res = await shop.product.api.post(
    '/admin/products',
    {
      slug: uniq('product'),
      name: `Product ${sku}`,
      categorySlug: category,
      variants: [{ sku, price, currency: 'EUR', stock }],
    },
    { token },
  );
  if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
  return sku;
}

export function checkoutBody(cartId: string, card: string = CARDS.ok, cvc = '123') {
  return {
    cartId,
    shippingAddress: {
      name: 'Ada Lovelace',
      line1: '1 Analytical Way',
      city: 'London',
      postalCode: 'N1 9GU',
      country: 'GB',
    },
    payment: { card: { number: card, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc } },
  };
}

/** A signed-in customer's cart with one item, checked out; returns the response. */
export async function buyOne(shop: Shop, sku: string, opts: { card?: string; userToken?: string } = {}) {
  const token = opts.userToken ?? (await shop.issuer.token({ email: `${uniq('buyer')}@example.test` }));
  const cart = await shop.checkout.api.post('/carts', undefined, { token });
  if (cart.status !== 201 && cart.status !== 200)
    throw new Error(`cart: ${cart.status} ${JSON.stringify(cart.body)}`);
  const add = await shop.checkout.api.post(`/carts/${cart.body.id}/items`, { sku, quantity: 1 }, { token });
  if (add.status !== 200) throw new Error(`add item: ${add.status} ${JSON.stringify(add.body)}`);
  return shop.checkout.api.post('/checkout', checkoutBody(cart.body.id, opts.card), {
    token,
    headers: { 'idempotency-key': randomUUID() },
  });
}
