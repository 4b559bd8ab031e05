import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiResponse, expectProblem, sql, waitFor } from '@ha-shop/testkit';
import { seedCatalog } from '../src/seed/catalog-seed';
import { createProduct, outboxEvents, ProductService, startProductService, uniq } from './support';

const SORT_SQL: Record<string, string> = {
  newest: 'created_at DESC, id DESC',
  price_asc: 'min_price ASC, id ASC',
  price_desc: 'min_price DESC, id DESC',
  name: 'lower(name) ASC, id ASC',
};

describe('catalog reads', () => {
  let ctx: ProductService;

  beforeAll(async () => {
    ctx = await startProductService({ seedProducts: 300 });
  });
  afterAll(() => ctx?.close());

  async function pageAll(
    query: string,
    limit: number,
  ): Promise<Array<{ id: string; category: { slug: string } }>> {
    const items: Array<{ id: string; category: { slug: string } }> = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 1000; guard++) {
      const res: ApiResponse = await ctx.api.get(
        `/products?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) return items;
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    throw new Error('pagination did not end');
  }

  it.each(Object.keys(SORT_SQL))(
    'pages through everything sorted by %s with no duplicates or gaps',
    async (sort) => {
      const items = await pageAll(`&sort=${sort}`, 37);
      const expected = await sql<{ id: string }>(
        ctx.db,
        `SELECT id FROM product WHERE status = 'active' ORDER BY ${SORT_SQL[sort]}`,
      );
      expect(expected).toHaveLength(300);
      expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
      expect(items.map((i) => i.id)).toEqual(expected.map((e) => e.id));
    },
  );

  it('breaks ties on the sort key by id, so equal prices never repeat or vanish across pages', async () => {
    const [{ ties }] = await sql<{ ties: number }>(
      ctx.db,
      `SELECT count(*)::int AS ties FROM (SELECT min_price FROM product GROUP BY min_price HAVING count(*) > 1) t`,
    );
    expect(ties).toBeGreaterThan(0);
    const small = await pageAll('&sort=price_asc', 1);
    expect(small).toHaveLength(300);
    expect(new Set(small.map((i) => i.id)).size).toBe(300);
  });

  it('filters by category, also across pages and sorts', async () => {
    const [{ n }] = await sql<{ n: number }>(
      ctx.db,
      `SELECT count(*)::int AS n FROM product p JOIN category c ON c.id = p.category_id WHERE c.slug = 'audio'`,
    );
    expect(n).toBeGreaterThan(20);
    for (const sort of ['newest', 'price_desc', 'name']) {
      const items = await pageAll(`&category=audio&sort=${sort}`, 10);
      expect(items).toHaveLength(n);
      expect(items.every((i) => i.category.slug === 'audio')).toBe(true);
      expect(new Set(items.map((i) => i.id)).size).toBe(n);
    }
    expectProblem(await ctx.api.get('/products?category=no-such-category'), 404);
  });

  it('keeps paging consistent while new products are added between pages', async () => {
    const first = await ctx.api.get('/products?sort=newest&limit=50');
    await createProduct(ctx, {
      slug: uniq('fresh-arrival'),
      name: 'Fresh Arrival',
      categorySlug: 'home',
      variants: [{ sku: uniq('FRESH'), price: 100, stock: 1 }],
    });
    const seen = [...first.body.items.map((i: { id: string }) => i.id)];
    let cursor = first.body.nextCursor as string | null;
    while (cursor) {
      const res = await ctx.api.get(`/products?sort=newest&limit=50&cursor=${cursor}`);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
    }
    // The new product sorts before the first page, so this walk neither repeats nor loses a seeded product.
    expect(seen).toHaveLength(300);
    expect(new Set(seen).size).toBe(300);
  });

  it('shows variants with price and availability in list items', async () => {
    const res = await ctx.api.get('/products?limit=100&sort=price_asc');
    const item = res.body.items[0];
    expect(item).toMatchObject({
      id: expect.any(String),
      slug: expect.any(String),
      name: expect.any(String),
      category: { slug: expect.any(String), name: expect.any(String) },
      priceFrom: { amount: expect.any(Number), currency: 'EUR' },
      inStock: expect.any(Boolean),
    });
    for (const p of res.body.items) {
      expect(p.variants.length).toBeGreaterThanOrEqual(1);
      expect(p.variants.length).toBeLessThanOrEqual(4);
      for (const v of p.variants) {
        expect(v).toEqual({
          sku: expect.any(String),
          options: expect.any(Object),
          price: expect.any(Number),
          currency: 'EUR',
          inStock: expect.any(Boolean),
        });
      }
      expect(p.priceFrom.amount).toBe(Math.min(...p.variants.map((v: { price: number }) => v.price)));
    }
    const soldOut = await sql<{ sku: string }>(ctx.db, 'SELECT sku FROM stock WHERE available = 0 LIMIT 1');
    expect(soldOut).toHaveLength(1);
  });

  it('rejects bad cursors, limits and sorts with 400 problems', async () => {
    const valid = (await ctx.api.get('/products?limit=2&sort=newest')).body.nextCursor as string;
    const bad = [
      '/products?limit=0',
      '/products?limit=101',
      '/products?limit=abc',
      '/products?limit=1.5',
      '/products?limit=',
      '/products?limit=1&limit=2',
      '/products?sort=cheapest',
      '/products?sort=',
      '/products?cursor=not*base64',
      `/products?cursor=${Buffer.from('{"s":"newest"}').toString('base64url')}`,
      `/products?cursor=${Buffer.from('[1,2]').toString('base64url')}`,
      `/products?cursor=${Buffer.from('{"s":"newest","v":"x","id":"00000000-0000-4000-8000-000000000000"}').toString('base64url')}`,
      `/products?cursor=${Buffer.from('{"s":"price_asc","v":-1,"id":"00000000-0000-4000-8000-000000000000"}').toString('base64url')}`,
      `/products?cursor=${valid}&sort=price_asc`,
      `/products?cursor=${'A'.repeat(600)}`,
      '/products?category=Not_A_Slug',
      '/products?unknown=1',
    ];
    for (const path of bad) {
      const res = await ctx.api.get(path);
      expectProblem(res, 400);
    }
  });

  it('serves a product by slug, 404 for unknown or unlisted ones, and records product.viewed', async () => {
    const [{ slug, id }] = await sql<{ slug: string; id: string }>(
      ctx.db,
      'SELECT slug, id FROM product ORDER BY slug LIMIT 1',
    );
    const res = await ctx.api.get(`/products/${slug}`, { token: ctx.customerToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, slug, description: expect.stringContaining(' with ') });
    const viewed = await waitFor(
      async () => {
        const events = await outboxEvents(ctx.db, 'product.viewed', id);
        return events.length > 0 ? events : undefined;
      },
      { timeoutMs: 15_000, what: 'a product.viewed event' },
    );
    expect(viewed[0].payload).toMatchObject({ productId: id, slug, userId: expect.any(String) });

    const missing = expectProblem(await ctx.api.get('/products/no-such-product'), 404);
    expect(missing.type).toBe('https://ha-shop.dev/problems/product-not-found');
    expectProblem(await ctx.api.get('/products/BAD_SLUG'), 400);
    // Longer than any slug can be: the router itself refuses it, still as a problem.
    expectProblem(await ctx.api.get(`/products/${'a'.repeat(500)}`), 414);
    expectProblem(await ctx.api.get('/products/%E0%A4%A'), 400);

    const draft = await createProduct(ctx, {
      slug: uniq('secret-draft'),
      name: 'Secret Draft',
      categorySlug: 'home',
      status: 'draft',
      variants: [{ sku: uniq('DRAFT'), price: 1 }],
    });
    expectProblem(await ctx.api.get(`/products/${draft.slug}`), 404);
    const listed = await pageAll('&category=home', 100);
    expect(listed.some((p) => p.id === draft.id)).toBe(false);
  });

  it('lists categories with product counts', async () => {
    const res = await ctx.api.get('/categories');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(8);
    const total = res.body.items.reduce((s: number, c: { productCount: number }) => s + c.productCount, 0);
    const [{ n }] = await sql<{ n: number }>(
      ctx.db,
      `SELECT count(*)::int AS n FROM product WHERE status = 'active'`,
    );
    expect(total).toBe(n);
    expect(res.body.items[0]).toEqual({
      slug: expect.any(String),
      name: expect.any(String),
      productCount: expect.any(Number),
    });
  });

  it('seeds deterministically and idempotently', async () => {
    const before = await sql<{ n: number }>(ctx.db, 'SELECT count(*)::int AS n FROM product_variant');
    expect(await seedCatalog(ctx.dataSource, { products: 300, seed: 7 })).toEqual({
      categories: 0,
      products: 0,
      variants: 0,
    });
    expect(await sql(ctx.db, 'SELECT count(*)::int AS n FROM product_variant')).toEqual(before);
    const [{ n }] = await sql<{ n: number }>(
      ctx.db,
      `SELECT count(*)::int AS n FROM product WHERE slug LIKE '%-headphones'`,
    );
    expect(n).toBeGreaterThan(0);
  });
});
