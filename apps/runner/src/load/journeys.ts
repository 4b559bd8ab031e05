import { randomUUID } from 'node:crypto';
import { ShopClient } from './shop-client';

export interface Catalog {
  slugs: string[];
  categories: string[];
  /** SKUs in stock when the run started. */
  skus: string[];
  words: string[];
}

export type JourneyName = 'browse' | 'search' | 'view' | 'cart' | 'checkout';

/** How often each journey is picked (a shop is mostly browsing). */
export const DEFAULT_WEIGHTS: Record<JourneyName, number> = {
  browse: 30,
  search: 20,
  view: 30,
  cart: 10,
  checkout: 10,
};

/** Always authorised, even under a random decline rate (payment-service's test cards). */
export const TEST_CARD = { number: '4000000000000077', expMonth: 12, expYear: 2034, cvc: '123' };

export interface AcceptedOrder {
  id: string;
  status: string;
  httpStatus: number;
  phase: string;
}

type Item = {
  slug: string;
  inStock?: boolean;
  variants?: Array<{ sku: string; inStock?: boolean }>;
  name?: string;
};

/** Reads the catalog once (a few pages through the edge) so journeys use real slugs and SKUs. */
export async function loadCatalog(client: ShopClient): Promise<Catalog> {
  const catalog: Catalog = { slugs: [], categories: [], skus: [], words: [] };
  let cursor: string | undefined;
  for (let page = 0; page < 5; page++) {
    const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res = await client.call<{ items: Item[]; nextCursor: string | null }>(
      'GET /products',
      'GET',
      `/products?limit=100${q}`,
    );
    if (res.status !== 200) throw new Error(`cannot read the catalog: GET /products answered ${res.status}`);
    for (const p of res.body.items) {
      catalog.slugs.push(p.slug);
      for (const v of p.variants ?? []) if (v.inStock !== false) catalog.skus.push(v.sku);
      for (const w of (p.name ?? '').split(/\s+/)) if (w.length > 3) catalog.words.push(w.toLowerCase());
    }
    cursor = res.body.nextCursor ?? undefined;
    if (!cursor) break;
  }
  const cats = await client.call<{ items: Array<{ slug: string }> }>('GET /categories', 'GET', '/categories');
  if (cats.status === 200) catalog.categories = cats.body.items.map((c) => c.slug);
  if (catalog.skus.length === 0) throw new Error('the catalog has no product in stock: is it seeded?');
  catalog.words = [...new Set(catalog.words)];
  return catalog;
}

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

export class Journeys {
  constructor(
    private readonly client: ShopClient,
    private readonly catalog: Catalog,
    private readonly onOrder: (order: AcceptedOrder) => void,
    private readonly phase: () => string,
  ) {}

  run(name: JourneyName): Promise<void> {
    switch (name) {
      case 'browse':
        return this.browse();
      case 'search':
        return this.search();
      case 'view':
        return this.view();
      case 'cart':
        return this.cart().then(() => undefined);
      case 'checkout':
        return this.checkout();
    }
  }

  async browse(): Promise<void> {
    const category =
      Math.random() < 0.5 && this.catalog.categories.length
        ? `&category=${pick(this.catalog.categories)}`
        : '';
    await this.client.call('GET /products', 'GET', `/products?limit=12${category}`);
  }

  async search(): Promise<void> {
    await this.client.call(
      'GET /search',
      'GET',
      `/search?q=${encodeURIComponent(pick(this.catalog.words))}&limit=10`,
    );
  }

  async view(): Promise<void> {
    await this.client.call(
      'GET /products/{slug}',
      'GET',
      `/products/${encodeURIComponent(pick(this.catalog.slugs))}`,
    );
  }

  /** A guest cart with one item; undefined if the shop refused (the failure is recorded). */
  async cart(): Promise<{ id: string; token: string } | undefined> {
    const created = await this.client.call<{ id: string; token: string }>('POST /carts', 'POST', '/carts');
    if (created.status !== 201 && created.status !== 200) return undefined;
    const cart = { id: created.body.id, token: created.body.token };
    const headers = { 'x-cart-token': cart.token };
    const added = await this.client.call('POST /carts/{id}/items', 'POST', `/carts/${cart.id}/items`, {
      body: { sku: pick(this.catalog.skus), quantity: 1 },
      headers,
    });
    if (added.status !== 200) return undefined;
    await this.client.call('GET /carts/{id}', 'GET', `/carts/${cart.id}`, { headers });
    return cart;
  }

  async checkout(): Promise<void> {
    const cart = await this.cart();
    if (!cart) return;
    const phase = this.phase();
    const res = await this.client.call<{ order?: { id: string; status: string } }>(
      'POST /checkout',
      'POST',
      '/checkout',
      {
        headers: { 'idempotency-key': randomUUID(), 'x-cart-token': cart.token },
        body: {
          cartId: cart.id,
          email: `load-${randomUUID().slice(0, 8)}@example.com`,
          shippingAddress: {
            name: 'Load Tester',
            line1: '1 Test Street',
            city: 'Berlin',
            postalCode: '10115',
            country: 'DE',
          },
          payment: { card: TEST_CARD },
        },
      },
    );
    if ((res.status === 201 || res.status === 202) && res.body.order?.id) {
      this.onOrder({ id: res.body.order.id, status: res.body.order.status, httpStatus: res.status, phase });
    }
  }
}
