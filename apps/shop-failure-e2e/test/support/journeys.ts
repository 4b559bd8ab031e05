// What a client of the shop does, as plain HTTP against the service processes.
import { randomUUID } from 'node:crypto';
import { TEST_CARDS } from '@ha-shop/service-kit';
import { TEST_ADDRESS, testCard } from '@ha-shop/testkit';
import type { ApiResponse } from '@ha-shop/testkit';
import type { Shop } from './shop';

let seq = 0;
export const uniq = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

export const CARD_OK = TEST_CARDS.visa;

/** One product with one variant per entry, through product-service's admin API; returns the SKUs. */
export async function seedProduct(
  shop: Shop,
  variants: Array<{ price: number; stock: number }>,
): Promise<string[]> {
  const token = await shop.adminToken();
  const api = shop.api('product-service');
  const category = uniq('cat');
  const cat = await api.post('/admin/categories', { slug: category, name: category }, { token });
  if (cat.status !== 201) throw new Error(`category: ${cat.status} ${JSON.stringify(cat.body)}`);
  const skus = variants.map(() => uniq('SKU').toUpperCase());
  const res = await api.post(
    '/admin/products',
    {
      slug: uniq('product'),
      name: `Product ${skus[0]}`,
      categorySlug: category,
      variants: variants.map((v, i) => ({ sku: skus[i], price: v.price, currency: 'EUR', stock: v.stock })),
    },
    { token },
  );
  if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
  return skus;
}

export interface Cart {
  id: string;
  /** Guest carts. */
  cartToken?: string;
  /** Carts of a signed-in customer. */
  userToken?: string;
}

export function authOf(cart: Cart, headers: Record<string, string> = {}) {
  return cart.userToken
    ? { token: cart.userToken, headers }
    : { headers: { ...(cart.cartToken ? { 'x-cart-token': cart.cartToken } : {}), ...headers } };
}

/**
 * A cart with the given lines at checkout-service `baseUrl` (a guest cart unless `userToken` is
 * given). Throws StepFailed with the refused answer; `seen` hears every answer.
 */
export async function cartWith(
  baseUrl: string,
  items: Array<{ sku: string; quantity: number }>,
  userToken?: string,
  seen: (step: string, answer: Answer) => void = () => undefined,
): Promise<Cart> {
  const res = await call(baseUrl, 'POST', '/carts', { token: userToken });
  seen('create cart', res);
  if (res.status !== 201 && res.status !== 200) throw new StepFailed('create cart', res);
  const cart: Cart = { id: res.body.id, cartToken: res.body.token, userToken };
  for (const item of items) {
    const { token, headers } = authOf(cart);
    const added = await call(baseUrl, 'POST', `/carts/${cart.id}/items`, { body: item, token, headers });
    seen('add item', added);
    if (added.status !== 200) throw new StepFailed('add item', added);
  }
  return cart;
}

export class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly answer: Answer,
  ) {
    super(`${step}: ${answer.status || answer.error} ${JSON.stringify(answer.body)}`);
  }
}

export function checkoutBody(cart: Cart) {
  return {
    cartId: cart.id,
    shippingAddress: TEST_ADDRESS,
    payment: { card: testCard(CARD_OK) },
    ...(cart.userToken ? {} : { email: 'guest@e2e.ha-shop.dev' }),
  };
}

export interface Answer<T = any> extends ApiResponse<T> {
  /** Wall time of the request as the client saw it. */
  ms: number;
  /** Epoch ms when the answer arrived. */
  at: number;
  /** Set when no HTTP answer came (connection refused or reset, client timeout); status is then 0. */
  error?: string;
}

/**
 * One HTTP request with a client-side timeout, so a hanging server fails the test instead of
 * stalling it. Never throws: a transport failure is an answer with status 0.
 */
export async function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  try {
    const res = await fetch(baseUrl + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    const body = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
    return {
      status: res.status,
      headers: res.headers,
      body,
      ms: performance.now() - started,
      at: Date.now(),
    };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return {
      status: 0,
      headers: new Headers(),
      body: undefined as T,
      ms: performance.now() - started,
      at: Date.now(),
      error: cause ?? (err as Error).name,
    };
  }
}

export function placeOrder(baseUrl: string, cart: Cart, key: string = randomUUID()): Promise<Answer> {
  const { token, headers } = authOf(cart, { 'idempotency-key': key });
  return call(baseUrl, 'POST', '/checkout', { body: checkoutBody(cart), token, headers });
}

/** A metric's value from Prometheus text (`name{a="b",...} value`), matching the given labels; 0 when absent. */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round = (n: number) => Math.round(n);
