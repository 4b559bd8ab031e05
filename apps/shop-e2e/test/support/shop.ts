// The five services in-process, each on its own database, wired as in production: internal
// calls with the internal token, analytics pulling every producer's feed. Tokens come from
// user-service's JWKS, or, for tests that mint tokens for any user, from a TestIssuer.
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TEST_CARDS } from '@ha-shop/service-kit';
import type { RunningService } from '@ha-shop/service-kit';
import {
  apiClient,
  ApiClient,
  bootService,
  createTestDatabase,
  TEST_ADDRESS,
  testCard,
  testEnv,
  TestIssuer,
} from '@ha-shop/testkit';
import { AppModule as AnalyticsApp } from '../../../analytics-service/src/app.module';
import { AppModule as CheckoutApp } from '../../../checkout-service/src/app.module';
import { AppModule as PaymentApp } from '../../../payment-service/src/app.module';
import { AppModule as ProductApp } from '../../../product-service/src/app.module';
import { AppModule as UserApp } from '../../../user-service/src/app.module';
import { createAdmin } from '../../../user-service/src/users/admin-bootstrap';

/** payment-service's test cards this suite pays with. */
export const CARDS = { ok: TEST_CARDS.visa, declined: TEST_CARDS.declined } as const;

export type ServiceName =
  'user-service' | 'product-service' | 'checkout-service' | 'payment-service' | 'analytics-service';

export interface Svc {
  svc: RunningService;
  api: ApiClient;
  db: string;
}

export interface ShopOptions {
  /** Sign tokens with a TestIssuer (`shop.issuer`) instead of user-service's keys. */
  testIssuer?: boolean;
  /** user-service runs by default; without it tokens must come from a TestIssuer. */
  user?: boolean;
  analytics?: boolean;
  logLevel?: string;
}

export interface Shop {
  /** Only with `testIssuer`. */
  issuer?: TestIssuer;
  internalToken: string;
  faultSecret: string;
  product: Svc;
  payment: Svc;
  checkout: Svc;
  user?: Svc;
  analytics?: Svc;
  /** An admin account created as operators do it (there is no HTTP route); only without `testIssuer`. */
  admin?: { email: string; password: string };
  close(): Promise<void>;
}

export async function startShop(opts: ShopOptions = {}): Promise<Shop> {
  const withUser = opts.user ?? true;
  if (!withUser && !opts.testIssuer) throw new Error('without user-service, tokens need testIssuer');
  const issuer = opts.testIssuer ? await TestIssuer.start() : undefined;
  const internalToken = randomBytes(16).toString('hex');
  const faultSecret = randomBytes(16).toString('hex');
  const common: Record<string, string> = {
    INTERNAL_TOKEN: internalToken,
    FAULT_INJECTION_SECRET: faultSecret,
    ...(opts.logLevel ? { LOG_LEVEL: opts.logLevel } : {}),
  };
  const started: Svc[] = [];
  const boot = async (
    name: ServiceName,
    make: (env: Record<string, string | undefined>) => unknown,
    extra: Record<string, string> = {},
  ): Promise<Svc> => {
    const db = await createTestDatabase(name.split('-')[0]);
    const svc = await bootService(make(testEnv({ ...common, DATABASE_URL: db, ...extra })), name);
    const s = { svc, db, api: apiClient(svc.url) };
    started.push(s);
    return s;
  };

  const user = withUser ? await boot('user-service', (env) => UserApp.forRoot(env)) : undefined;
  common.JWKS_URL = issuer?.jwksUrl ?? `${user!.svc.url}/.well-known/jwks.json`;
  const [product, payment] = await Promise.all([
    boot('product-service', (env) => ProductApp.forRoot(env)),
    boot('payment-service', (env) => PaymentApp.forRoot(env)),
  ]);
  const checkout = await boot('checkout-service', (env) => CheckoutApp.forRoot(env), {
    PRODUCT_SERVICE_URL: product.svc.url,
    PAYMENT_SERVICE_URL: payment.svc.url,
    PAYMENT_DATA_KEY: randomBytes(32).toString('base64'),
  });
  const feeds = { user, product, checkout, payment };
  const analytics =
    (opts.analytics ?? true)
      ? await boot('analytics-service', (env) => AnalyticsApp.forRoot(env), {
          FEED_SOURCES: Object.entries(feeds)
            .filter(([, s]) => s)
            .map(([name, s]) => `${name}-service=${s!.svc.url}`)
            .join(','),
          FEED_POLL_INTERVAL_MS: '100',
        })
      : undefined;

  let admin: Shop['admin'];
  if (user && !issuer) {
    admin = { email: 'admin@shop.test', password: randomBytes(12).toString('base64url') };
    await createAdmin(user.svc.app.get(DataSource), admin.email, admin.password);
  }
  return {
    issuer,
    internalToken,
    faultSecret,
    product,
    payment,
    checkout,
    user,
    analytics,
    admin,
    async close() {
      await Promise.allSettled(started.reverse().map((s) => s.svc.shutdown()));
      await issuer?.close();
    },
  };
}

/** Every service's own address (an edge in front of them routes here); all five must run. */
export function serviceUrls(shop: Shop): Record<ServiceName, string> {
  const { user, analytics } = shop;
  if (!user || !analytics) throw new Error('serviceUrls needs all five services');
  return {
    'user-service': user.svc.url,
    'product-service': shop.product.svc.url,
    'checkout-service': shop.checkout.svc.url,
    'payment-service': shop.payment.svc.url,
    'analytics-service': analytics.svc.url,
  };
}

let n = 0;
const uniq = (p: string) => `${p}-${process.pid}-${++n}`;

/** A product with one variant via product-service's admin API (TestIssuer tokens); returns its SKU. */
export async function seedSku(shop: Shop, price = 1999, stock = 50): Promise<string> {
  if (!shop.issuer) throw new Error('seedSku signs its admin token with the TestIssuer');
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
    shippingAddress: TEST_ADDRESS,
    payment: { card: testCard(card, cvc) },
  };
}

/** A signed-in customer's cart with one item, checked out; returns the response. */
export async function buyOne(shop: Shop, sku: string, opts: { card?: string; userToken?: string } = {}) {
  const token = opts.userToken ?? (await shop.issuer!.token({ email: `${uniq('buyer')}@example.test` }));
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
