// Journeys through the shop's public API, shared by every k6 script here.
// Plain JavaScript on purpose: k6 runs it as is, locally (`make load`) and in Kubernetes.
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter } from 'k6/metrics';

export const ordersAccepted = new Counter('orders_accepted');
export const ordersParked = new Counter('orders_parked');

// Failed responses by kind: the summary has no per-status breakdown, and a shed request
// (503/504, the shop's designed answer to overload) means something else than a 500.
// Keys are the kinds load/lib/summary.js reports.
export const FAILURE_COUNTERS = {
  'shed 503/504': 'failed_shed',
  500: 'failed_500',
  502: 'failed_502',
  'other 5xx': 'failed_5xx',
  '4xx': 'failed_4xx',
  'no response': 'failed_network',
};
const failed = Object.fromEntries(
  Object.entries(FAILURE_COUNTERS).map(([kind, metric]) => [kind, new Counter(metric)]),
);

/** What `http.setResponseCallback` in shop.js treats as expected (a 409 is "in progress"). */
const expected = (status) => (status >= 200 && status < 400) || status === 409;

function failureKind(status) {
  if (status === 0) return 'no response';
  if (status === 503 || status === 504) return 'shed 503/504';
  if (status === 500 || status === 502) return String(status);
  return status >= 500 ? 'other 5xx' : '4xx';
}

function tally(res) {
  if (!expected(res.status)) failed[failureKind(res.status)].add(1);
  return res;
}

/** Always authorised, even under a random decline rate (payment-service's test cards). */
export const TEST_CARD = { number: '4000000000000077', expMonth: 12, expYear: 2034, cvc: '123' };

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

export function uuid() {
  if (globalThis.crypto && typeof globalThis.crypto.randomUUID === 'function')
    return globalThis.crypto.randomUUID();
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0;
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}

const pick = (items) => items[Math.floor(Math.random() * items.length)];

function get(base, path, name) {
  return tally(
    http.get(`${base}${path}`, {
      headers: { accept: 'application/json' },
      tags: { name, idempotent: 'true' },
    }),
  );
}

function post(base, path, name, body, headers = {}, idempotent = false) {
  return tally(
    http.post(`${base}${path}`, body === undefined ? null : JSON.stringify(body), {
      headers: { ...JSON_HEADERS, ...headers },
      tags: { name, idempotent: String(idempotent) },
    }),
  );
}

const orderId = (res) => {
  try {
    return res.json('order.id');
  } catch {
    return undefined;
  }
};

/** Reads the catalog once (setup): real slugs, in-stock SKUs, words to search for. */
export function loadCatalog(base) {
  const catalog = { slugs: [], skus: [], words: [], categories: [] };
  let cursor = '';
  for (let page = 0; page < 5; page++) {
    const res = get(
      base,
      `/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      'GET /products',
    );
    if (res.status !== 200)
      throw new Error(`GET ${base}/products answered ${res.status}: is the shop running (make demo)?`);
    const body = res.json();
    for (const p of body.items) {
      catalog.slugs.push(p.slug);
      for (const v of p.variants || []) if (v.inStock !== false) catalog.skus.push(v.sku);
      for (const w of String(p.name || '').split(/\s+/))
        if (w.length > 3) catalog.words.push(w.toLowerCase());
    }
    if (!body.nextCursor) break;
    cursor = body.nextCursor;
  }
  const cats = get(base, '/categories', 'GET /categories');
  if (cats.status === 200) catalog.categories = cats.json().items.map((c) => c.slug);
  if (catalog.skus.length === 0) throw new Error('no product in stock: is the catalog seeded?');
  catalog.words = [...new Set(catalog.words)];
  return catalog;
}

export function browse(base, catalog) {
  const category =
    Math.random() < 0.5 && catalog.categories.length ? `&category=${pick(catalog.categories)}` : '';
  check(get(base, `/products?limit=12${category}`, 'GET /products'), {
    'browse 200': (r) => r.status === 200,
  });
}

export function search(base, catalog) {
  const q = encodeURIComponent(pick(catalog.words));
  check(get(base, `/search?q=${q}&limit=10`, 'GET /search'), { 'search 200': (r) => r.status === 200 });
}

export function view(base, catalog) {
  const res = get(base, `/products/${encodeURIComponent(pick(catalog.slugs))}`, 'GET /products/{slug}');
  check(res, { 'product 200': (r) => r.status === 200 });
}

/** A guest cart with one item in stock; null if the shop refused. */
export function addToCart(base, catalog) {
  const created = post(base, '/carts', 'POST /carts');
  if (!check(created, { 'cart created': (r) => r.status === 201 || r.status === 200 })) return null;
  const cart = created.json();
  const headers = { 'x-cart-token': cart.token };
  const added = post(
    base,
    `/carts/${cart.id}/items`,
    'POST /carts/{id}/items',
    { sku: pick(catalog.skus), quantity: 1 },
    headers,
  );
  if (!check(added, { 'item added': (r) => r.status === 200 })) return null;
  return { id: cart.id, token: cart.token };
}

/**
 * Checkout with a test card and an Idempotency-Key; a 409 "in progress" or a 503 with
 * Retry-After is retried with the same key after a short wait, as a well-made client does.
 * `pause` runs between filling the cart and paying (a shopper's think time).
 */
export function checkout(base, catalog, pause = () => undefined) {
  const cart = addToCart(base, catalog);
  if (!cart) return;
  pause();
  const headers = { 'idempotency-key': uuid(), 'x-cart-token': cart.token };
  const body = {
    cartId: cart.id,
    email: `k6-${uuid().slice(0, 8)}@example.com`,
    shippingAddress: {
      name: 'k6 Shopper',
      line1: '1 Load Street',
      city: 'Berlin',
      postalCode: '10115',
      country: 'DE',
    },
    payment: { card: TEST_CARD },
  };
  let res;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (attempt > 0) sleep(Math.min(2, Number(res.headers['Retry-After']) || 0.2));
    res = post(base, '/checkout', 'POST /checkout', body, headers, true);
    if (res.status !== 409 && res.status !== 503) break;
  }
  const ok = check(res, {
    'order accepted': (r) => (r.status === 201 || r.status === 202) && Boolean(orderId(r)),
  });
  if (ok) {
    ordersAccepted.add(1);
    if (res.status === 202) ordersParked.add(1);
  }
}
