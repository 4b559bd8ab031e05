// Over 250 lines: the one harness of every checkout suite (boot, neighbour proxy, fixtures, SQL).
// Boots the real neighbours (product-service, payment-service) and checkout-service in-process,
// each on its own fresh database, with one token issuer for all three.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  createServer,
  IncomingHttpHeaders,
  IncomingMessage,
  request as httpRequest,
  ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_CARDS } from '@ha-shop/service-kit';
import type { RunningService } from '@ha-shop/service-kit';
import {
  apiClient,
  ApiClient,
  ApiResponse,
  bootService,
  createTestDatabase,
  sql,
  testEnv,
  TEST_ADDRESS,
  testCard,
  TestIssuer,
} from '@ha-shop/testkit';
import { AppModule as PaymentApp } from '../../payment-service/src/app.module';
import { AppModule as ProductApp } from '../../product-service/src/app.module';
import { AppModule as CheckoutApp } from '../src/app.module';

/** payment-service's test cards this suite pays with. */
export const CARDS = { ok: TEST_CARDS.visa, declined: TEST_CARDS.declined } as const;

/** A retry worker that polls every 100 ms with short backoffs, and a payment breaker that half-opens after 0.5 s. */
export const FAST_WORKER_ENV = {
  PAYMENT_RETRY_INTERVAL_MS: '100',
  PAYMENT_RETRY_BASE_MS: '200',
  PAYMENT_RETRY_MAX_BACKOFF_MS: '600',
  RESILIENCE_CHECKOUT_TO_PAYMENT_BREAKER_HALF_OPEN_AFTER_MS: '500',
};

/**
 * Another checkout replica that takes checkouts but runs no retry worker, with a 1.5 s payment
 * deadline: the main replica's worker settles its orders. With `foreignKey` it seals cards with
 * a key the main replica does not have, so past the deadline that worker may only ask
 * payment-service, never charge.
 */
export function workerlessReplica(shop: Shop, { foreignKey = false } = {}): Promise<RunningService> {
  return shop.replica({
    PAYMENT_RETRY_WORKER_ENABLED: 'false',
    PAYMENT_RETRY_DEADLINE_MS: '1500',
    ...(foreignKey ? { PAYMENT_DATA_KEY: randomBytes(32).toString('base64') } : {}),
  });
}

/** checkout-service alone on a fresh database (no neighbours): for tests of its own SQL. */
export interface LoneCheckout {
  db: string;
  svc: RunningService;
  close(): Promise<void>;
}

export async function startLoneCheckout(env: Record<string, string>): Promise<LoneCheckout> {
  const issuer = await TestIssuer.start();
  const db = await createTestDatabase('checkout');
  const svc = await bootService(
    CheckoutApp.forRoot(
      testEnv({
        DATABASE_URL: db,
        JWKS_URL: issuer.jwksUrl,
        INTERNAL_TOKEN: randomBytes(16).toString('hex'),
        PAYMENT_DATA_KEY: randomBytes(32).toString('base64'),
        ...env,
      }),
    ),
    'checkout-service',
  );
  return {
    db,
    svc,
    async close() {
      await svc.shutdown();
      await issuer.close();
    },
  };
}

export interface Shop {
  issuer: TestIssuer;
  internalToken: string;
  faultSecret: string;
  product: { svc: RunningService; db: string; api: ApiClient };
  payment: { svc: RunningService; db: string; api: ApiClient };
  checkout: { svc: RunningService; db: string; api: ApiClient; env: Record<string, string | undefined> };
  adminToken: string;
  /** What checkout sent to its neighbours (only with `recordCalls`). */
  calls: { product: SeenCall[]; payment: SeenCall[] };
  /** Another checkout-service replica on the same database (own process state, own breakers). */
  replica(extra?: Record<string, string>): Promise<RunningService>;
  close(): Promise<void>;
}

export interface ShopOptions {
  checkoutEnv?: Record<string, string>;
  paymentEnv?: Record<string, string>;
  /** Put a recording proxy between checkout and each neighbour (see `Shop.calls`). */
  recordCalls?: boolean;
}

export interface SeenCall {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export async function startShop(options: ShopOptions = {}): Promise<Shop> {
  const issuer = await TestIssuer.start();
  const internalToken = randomBytes(16).toString('hex');
  const faultSecret = randomBytes(16).toString('hex');
  const common = { JWKS_URL: issuer.jwksUrl, INTERNAL_TOKEN: internalToken };
  const [productDb, paymentDb, checkoutDb] = await Promise.all([
    createTestDatabase('product'),
    createTestDatabase('payment'),
    createTestDatabase('checkout'),
  ]);
  const [productSvc, paymentSvc] = await Promise.all([
    bootService(ProductApp.forRoot(testEnv({ ...common, DATABASE_URL: productDb })), 'product-service'),
    bootService(
      PaymentApp.forRoot(
        testEnv({
          ...common,
          DATABASE_URL: paymentDb,
          FAULT_INJECTION_SECRET: faultSecret,
          ...options.paymentEnv,
        }),
      ),
      'payment-service',
    ),
  ]);
  const calls = { product: [] as SeenCall[], payment: [] as SeenCall[] };
  const proxies = options.recordCalls
    ? await Promise.all([
        neighbourProxy(() => productSvc.url, record(calls.product)),
        neighbourProxy(() => paymentSvc.url, record(calls.payment)),
      ])
    : [];
  const checkoutEnv = testEnv({
    ...common,
    DATABASE_URL: checkoutDb,
    PRODUCT_SERVICE_URL: proxies[0]?.url ?? productSvc.url,
    PAYMENT_SERVICE_URL: proxies[1]?.url ?? paymentSvc.url,
    PAYMENT_DATA_KEY: randomBytes(32).toString('base64'),
    ...options.checkoutEnv,
  });
  const checkoutSvc = await bootService(CheckoutApp.forRoot(checkoutEnv), 'checkout-service');
  const replicas: RunningService[] = [];
  let closed = false;
  return {
    issuer,
    internalToken,
    faultSecret,
    product: { svc: productSvc, db: productDb, api: apiClient(productSvc.url) },
    payment: { svc: paymentSvc, db: paymentDb, api: apiClient(paymentSvc.url) },
    checkout: { svc: checkoutSvc, db: checkoutDb, api: apiClient(checkoutSvc.url), env: checkoutEnv },
    adminToken: await issuer.adminToken(),
    calls,
    async replica(extra = {}) {
      const r = await bootService(CheckoutApp.forRoot({ ...checkoutEnv, ...extra }), 'checkout-service');
      replicas.push(r);
      return r;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...replicas, checkoutSvc].map((s) => s.shutdown()));
      await Promise.allSettled(proxies.map((p) => p.close()));
      await Promise.allSettled([productSvc.shutdown(), paymentSvc.shutdown()]);
      await issuer.close();
    },
  };
}

/** Records each request's method, URL and headers, and lets it through. */
const record = (seen: SeenCall[]) => (req: IncomingMessage) => {
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
  return false;
};

/**
 * A loopback HTTP proxy in front of a neighbour (`target` is read per request: the neighbour
 * may restart elsewhere). `intercept` may answer a request itself (returns true); every other
 * request is forwarded as it came.
 */
export async function neighbourProxy(
  target: () => string,
  intercept: (req: IncomingMessage, res: ServerResponse) => boolean = () => false,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (intercept(req, res)) return void req.resume();
    const upstream = new URL(target());
    const out = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let seq = 0;
export const uniq = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

/** Creates a product with one variant per entry (via product-service's admin API); returns the SKUs. */
export async function seedProduct(
  shop: Shop,
  variants: Array<{ price: number; stock: number; currency?: string; sku?: string }>,
  extra: { status?: string } = {},
): Promise<string[]> {
  const token = shop.adminToken;
  const category = uniq('cat');
  const cat = await shop.product.api.post('/admin/categories', { slug: category, name: category }, { token });
  if (cat.status !== 201) throw new Error(`category: ${cat.status} ${JSON.stringify(cat.body)}`);
  const skus = variants.map((v) => v.sku ?? uniq('SKU').toUpperCase());
  const res = await shop.product.api.post(
    '/admin/products',
    {
      slug: uniq('product'),
      name: `Product ${skus[0]}`,
      categorySlug: category,
      ...extra,
      variants: variants.map((v, i) => ({
        sku: skus[i],
        price: v.price,
        currency: v.currency ?? 'EUR',
        stock: v.stock,
      })),
    },
    { token },
  );
  if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
  return skus;
}

export async function productIdOf(shop: Shop, sku: string): Promise<string> {
  const [row] = await sql<{ id: string }>(
    shop.product.db,
    'SELECT product_id AS id FROM product_variant WHERE sku = $1',
    [sku],
  );
  return row.id;
}

export async function stockOf(
  shop: Shop,
  sku: string,
): Promise<{ available: number; reserved: number; sold: number }> {
  const [row] = await sql<{ available: number; reserved: number; sold: number }>(
    shop.product.db,
    'SELECT available, reserved, sold FROM stock WHERE sku = $1',
    [sku],
  );
  return row;
}

export interface Cart {
  id: string;
  /** Guest carts only. */
  token?: string;
  /** Signed-in carts only. */
  userToken?: string;
}

/** Auth options for a cart's owner: the bearer token of a customer, or the guest cart token. */
export function as(cart: Cart, headers: Record<string, string> = {}) {
  return cart.userToken
    ? { token: cart.userToken, headers }
    : { headers: { ...(cart.token ? { 'x-cart-token': cart.token } : {}), ...headers } };
}

export async function guestCart(
  shop: Shop,
  items: Array<{ sku: string; quantity: number }> = [],
): Promise<Cart> {
  const res = await shop.checkout.api.post('/carts', undefined);
  if (res.status !== 201) throw new Error(`cart: ${res.status} ${JSON.stringify(res.body)}`);
  const cart: Cart = { id: res.body.id, token: res.body.token };
  for (const item of items) await addItem(shop, cart, item.sku, item.quantity);
  return cart;
}

/**
 * Many guest carts at once, written straight into checkout's database: a fixture for load
 * tests, where creating them one request at a time would only measure cart creation.
 */
export async function seedGuestCarts(
  shop: Shop,
  count: number,
  line: { sku: string; quantity: number; unitPrice: number },
) {
  const carts = Array.from({ length: count }, () => ({
    id: randomUUID(),
    token: randomBytes(32).toString('base64url'),
  }));
  await sql(
    shop.checkout.db,
    `WITH c AS (
       INSERT INTO cart (id, token_hash)
       SELECT id, sha256(convert_to(token, 'UTF8')) FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, token text)
       RETURNING id)
     INSERT INTO cart_item (cart_id, sku, quantity, name, unit_price, currency) SELECT id, $2, $3, 'seeded', $4, 'EUR' FROM c`,
    [JSON.stringify(carts), line.sku, line.quantity, line.unitPrice],
  );
  return carts as Cart[];
}

export async function customerCart(
  shop: Shop,
  userToken: string,
  items: Array<{ sku: string; quantity: number }> = [],
): Promise<Cart> {
  const res = await shop.checkout.api.post('/carts', undefined, { token: userToken });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`cart: ${res.status} ${JSON.stringify(res.body)}`);
  const cart: Cart = { id: res.body.id, userToken };
  for (const item of items) await addItem(shop, cart, item.sku, item.quantity);
  return cart;
}

export async function addItem(shop: Shop, cart: Cart, sku: string, quantity: number): Promise<ApiResponse> {
  const res = await shop.checkout.api.post(`/carts/${cart.id}/items`, { sku, quantity }, as(cart));
  if (res.status !== 200) throw new Error(`add item: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

export function checkoutBody(cart: Cart, card: string = CARDS.ok, extra: Record<string, unknown> = {}) {
  return {
    cartId: cart.id,
    shippingAddress: TEST_ADDRESS,
    payment: { card: testCard(card) },
    ...(cart.userToken ? {} : { email: 'guest@example.test' }),
    ...extra,
  };
}

export function checkout(
  shop: Shop,
  cart: Cart,
  key: string = randomUUID(),
  body: unknown = checkoutBody(cart),
  headers: Record<string, string> = {},
) {
  return shop.checkout.api.post('/checkout', body, as(cart, { 'idempotency-key': key, ...headers }));
}

/** Sets payment-service's simulated provider faults (outage rate etc.) through its fault switch. */
export async function setPaymentFaults(
  shop: Shop,
  faults: { outageRate?: number; latencyMs?: number; declineRate?: number },
) {
  const res = await shop.payment.api.put('/internal/faults', faults, {
    headers: { 'x-fault-secret': shop.faultSecret, 'x-internal-token': shop.internalToken },
  });
  if (res.status !== 200) throw new Error(`faults: ${res.status} ${JSON.stringify(res.body)}`);
}

export function checkoutSql<T = Record<string, unknown>>(shop: Shop, text: string, params: unknown[] = []) {
  return sql<T>(shop.checkout.db, text, params);
}

export function productSql<T = Record<string, unknown>>(shop: Shop, text: string, params: unknown[] = []) {
  return sql<T>(shop.product.db, text, params);
}

export function paymentSql<T = Record<string, unknown>>(shop: Shop, text: string, params: unknown[] = []) {
  return sql<T>(shop.payment.db, text, params);
}

/** An idempotency key's record as checkout stores it: its status, and whether its lease has ended. */
export function idempotencyKeyState(shop: Shop, key: string) {
  return checkoutSql<{ status: string; free: boolean }>(
    shop,
    'SELECT status, locked_until <= now() AS free FROM idempotency_record WHERE key = $1',
    [key],
  );
}

/**
 * `waitFor` options for what a retry worker or sweep settles: up to 20 s, and an error thrown by
 * the check (a failed request) fails at once rather than counting as "not yet".
 */
export const SETTLE = { timeoutMs: 20_000, failFast: true } as const;
