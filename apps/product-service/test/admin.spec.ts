// Over 250 lines: the admin write API's cases share one booted product-service and one token issuer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, sql, TestIssuer } from '@ha-shop/testkit';
import {
  createCategory,
  createProduct,
  outboxEvents,
  ProductService,
  startProductService,
  stockOf,
} from './support';

describe('admin writes', () => {
  let ctx: ProductService;
  let otherIssuer: TestIssuer;
  const adminPost = (path: string, body: unknown) => ctx.api.post(path, body, { token: ctx.adminToken });
  const adminPatch = (path: string, body: unknown) => ctx.api.patch(path, body, { token: ctx.adminToken });

  beforeAll(async () => {
    ctx = await startProductService();
    otherIssuer = await TestIssuer.start();
    await createCategory(ctx, 'audio', 'Audio');
    await createCategory(ctx, 'computing', 'Computing');
  });
  afterAll(async () => {
    await ctx?.close();
    await otherIssuer?.close();
  });

  it('checks roles on every admin route: 401 without or with a foreign token, 403 for customers', async () => {
    const routes: Array<[string, string, unknown?]> = [
      ['POST', '/admin/categories', { slug: 'x', name: 'X' }],
      ['POST', '/admin/products', {}],
      ['GET', '/admin/products/00000000-0000-4000-8000-000000000000'],
      ['PATCH', '/admin/products/00000000-0000-4000-8000-000000000000', { name: 'x' }],
      ['GET', '/admin/variants/ANY-1/stock'],
      ['POST', '/admin/variants/ANY-1/stock', { delta: 1 }],
    ];
    const foreignAdmin = await otherIssuer.adminToken();
    const expired = await ctx.issuer.token({ roles: ['admin'], expiresIn: -60 });
    for (const [method, path, body] of routes) {
      expectProblem(await ctx.api.request(method, path, { body }), 401);
      expectProblem(await ctx.api.request(method, path, { body, token: foreignAdmin }), 401);
      expectProblem(await ctx.api.request(method, path, { body, token: expired }), 401);
      expectProblem(
        await ctx.api.request(method, path, { body, headers: { authorization: 'Basic abc' } }),
        401,
      );
      expectProblem(await ctx.api.request(method, path, { body, token: 'not.a.jwt' }), 401);
      expectProblem(await ctx.api.request(method, path, { body, token: ctx.customerToken }), 403);
      const asAdmin = await ctx.api.request(method, path, { body, token: ctx.adminToken });
      expect([200, 201, 400, 404, 409]).toContain(asAdmin.status);
    }
  });

  it('creates categories and refuses duplicates', async () => {
    const res = await adminPost('/admin/categories', { slug: 'kitchen', name: 'Kitchen' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), slug: 'kitchen', name: 'Kitchen' });
    const dup = expectProblem(await adminPost('/admin/categories', { slug: 'kitchen', name: 'Other' }), 409);
    expect(dup.type).toBe('https://ha-shop.dev/problems/category-exists');
  });

  it('creates a product with variants and stock, visible publicly, with a product.created event', async () => {
    const res = await adminPost('/admin/products', {
      slug: 'aurora-headphones',
      name: 'Aurora Headphones',
      description: 'Closed-back studio headphones.',
      categorySlug: 'audio',
      images: ['https://img.example/aurora/1.jpg'],
      variants: [
        { sku: 'AUR-BLK', options: { color: 'black' }, price: 12900, currency: 'EUR', stock: 5 },
        { sku: 'AUR-WHT', options: { color: 'white' }, price: 11900, currency: 'EUR' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      slug: 'aurora-headphones',
      status: 'active',
      category: { slug: 'audio', name: 'Audio' },
      priceFrom: { amount: 11900, currency: 'EUR' },
      inStock: true,
      variants: [
        {
          sku: 'AUR-BLK',
          options: { color: 'black' },
          price: 12900,
          available: 5,
          reserved: 0,
          sold: 0,
          inStock: true,
        },
        { sku: 'AUR-WHT', options: { color: 'white' }, price: 11900, available: 0, inStock: false },
      ],
    });
    const pub = await ctx.api.get('/products/aurora-headphones');
    expect(pub.status).toBe(200);
    expect(pub.body.variants[1]).toEqual({
      sku: 'AUR-WHT',
      options: { color: 'white' },
      price: 11900,
      currency: 'EUR',
      inStock: false,
    });
    expect(pub.body).not.toHaveProperty('status');
    const [event] = await outboxEvents(ctx.db, 'product.created', res.body.id);
    expect(event.payload).toMatchObject({
      slug: 'aurora-headphones',
      variants: [{ sku: 'AUR-BLK' }, { sku: 'AUR-WHT' }],
    });
    const [{ min_price }] = await sql<{ min_price: number }>(
      ctx.db,
      'SELECT min_price FROM product WHERE id = $1',
      [res.body.id],
    );
    expect(min_price).toBe(11900);
  });

  it('refuses duplicate slugs and SKUs with 409, unknown categories with 422, and writes nothing', async () => {
    const base = {
      name: 'Dup',
      categorySlug: 'audio',
      variants: [{ sku: 'DUP-NEW-1', price: 1, currency: 'EUR' }],
    };
    const slug = expectProblem(
      await adminPost('/admin/products', { ...base, slug: 'aurora-headphones' }),
      409,
    );
    expect(slug.type).toBe('https://ha-shop.dev/problems/product-slug-taken');
    const sku = expectProblem(
      await adminPost('/admin/products', {
        ...base,
        slug: 'dup-sku',
        variants: [{ sku: 'AUR-BLK', price: 1, currency: 'EUR' }],
      }),
      409,
    );
    expect(sku).toMatchObject({ type: 'https://ha-shop.dev/problems/sku-taken', skus: ['AUR-BLK'] });
    expectProblem(
      await adminPost('/admin/products', { ...base, slug: 'no-cat', categorySlug: 'nowhere' }),
      422,
    );
    expectProblem(
      await adminPost('/admin/products', {
        ...base,
        slug: 'dup-in-body',
        variants: [
          { sku: 'SAME', price: 1, currency: 'EUR' },
          { sku: 'SAME', price: 2, currency: 'EUR' },
        ],
      }),
      400,
    );
    expect(
      await sql(ctx.db, `SELECT 1 FROM product WHERE slug IN ('dup-sku', 'no-cat', 'dup-in-body')`),
    ).toEqual([]);
    expect(await sql(ctx.db, `SELECT 1 FROM product_variant WHERE sku IN ('DUP-NEW-1', 'SAME')`)).toEqual([]);
  });

  it('updates a product partially, adds and reprices variants, and hides it when drafted', async () => {
    const p = await createProduct(ctx, {
      slug: 'kestrel-keyboard',
      name: 'Kestrel Keyboard',
      categorySlug: 'computing',
      variants: [{ sku: 'KES-US', price: 8900, stock: 2, options: { layout: 'US' } }],
    });
    const res = await adminPatch(`/admin/products/${p.id}`, {
      name: 'Kestrel Keyboard Pro',
      categorySlug: 'audio',
      variants: [
        { sku: 'KES-US', price: 9900 },
        { sku: 'KES-DE', price: 7900, currency: 'EUR', options: { layout: 'DE' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Kestrel Keyboard Pro',
      slug: 'kestrel-keyboard',
      category: { slug: 'audio' },
      priceFrom: { amount: 7900 },
      variants: [
        { sku: 'KES-US', price: 9900, options: { layout: 'US' }, available: 2 },
        { sku: 'KES-DE', price: 7900, options: { layout: 'DE' }, available: 0 },
      ],
    });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(res.body.createdAt));
    // The search vector follows the new name and category.
    const found = await ctx.api.get('/search?q=keyboard%20pro');
    expect(found.body.items[0].slug).toBe('kestrel-keyboard');
    const [event] = await outboxEvents(ctx.db, 'product.updated', p.id);
    expect(event.payload).toMatchObject({
      changed: ['name', 'categorySlug', 'variants'],
      addedSkus: ['KES-DE'],
    });

    expect((await adminPatch(`/admin/products/${p.id}`, { status: 'draft' })).status).toBe(200);
    expectProblem(await ctx.api.get('/products/kestrel-keyboard'), 404);
    expect((await ctx.api.get(`/admin/products/${p.id}`, { token: ctx.adminToken })).body.status).toBe(
      'draft',
    );

    expectProblem(await adminPatch(`/admin/products/${p.id}`, { slug: 'aurora-headphones' }), 409);
    expectProblem(
      await adminPatch(`/admin/products/${p.id}`, { variants: [{ sku: 'AUR-BLK', price: 1 }] }),
      409,
    );
    expectProblem(await adminPatch(`/admin/products/${p.id}`, { variants: [{ sku: 'KES-UK' }] }), 400);
    expectProblem(await adminPatch(`/admin/products/${p.id}`, {}), 400);
    expectProblem(await adminPatch(`/admin/products/${p.id}`, { categorySlug: 'nowhere' }), 422);
    expectProblem(
      await adminPatch('/admin/products/00000000-0000-4000-8000-000000000000', { name: 'x' }),
      404,
    );
    expectProblem(await adminPatch('/admin/products/not-a-uuid', { name: 'x' }), 400);
  });

  it('adjusts stock by delta or to a quantity, never below zero, with stock.adjusted events', async () => {
    await createProduct(ctx, {
      slug: 'stocked',
      name: 'Stocked',
      categorySlug: 'audio',
      variants: [{ sku: 'STK-1', price: 100, stock: 3 }],
    });
    const up = await adminPost('/admin/variants/STK-1/stock', { delta: 5 });
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ sku: 'STK-1', available: 8, reserved: 0, sold: 0 });
    const below = expectProblem(await adminPost('/admin/variants/STK-1/stock', { delta: -9 }), 409);
    expect(below).toMatchObject({ type: 'https://ha-shop.dev/problems/insufficient-stock', available: 8 });
    expect((await adminPost('/admin/variants/STK-1/stock', { delta: -8 })).body.available).toBe(0);
    expect((await adminPost('/admin/variants/STK-1/stock', { quantity: 12 })).body.available).toBe(12);
    expect((await ctx.api.get('/admin/variants/STK-1/stock', { token: ctx.adminToken })).body.available).toBe(
      12,
    );
    expectProblem(await adminPost('/admin/variants/STK-1/stock', { delta: 1, quantity: 1 }), 400);
    expectProblem(await adminPost('/admin/variants/STK-1/stock', {}), 400);
    expectProblem(await adminPost('/admin/variants/STK-1/stock', { quantity: -1 }), 400);
    expectProblem(await adminPost('/admin/variants/STK-1/stock', { delta: '5' }), 400);
    expectProblem(await adminPost('/admin/variants/NOPE-1/stock', { delta: 1 }), 404);
    expect(await stockOf(ctx.db, 'STK-1')).toEqual({ available: 12, reserved: 0, sold: 0 });
    const events = await outboxEvents(ctx.db, 'stock.adjusted', 'STK-1');
    expect(events.map((e) => e.payload.delta)).toEqual([5, -8, 12]);

    // Concurrent decrements: exactly as many succeed as there are units.
    const results = await Promise.all(
      Array.from({ length: 30 }, () => adminPost('/admin/variants/STK-1/stock', { delta: -1 })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(12);
    expect(results.filter((r) => r.status === 409)).toHaveLength(18);
    expect(await stockOf(ctx.db, 'STK-1')).toMatchObject({ available: 0 });
  });

  it('exposes the events feed to internal callers', async () => {
    const res = await ctx.api.get('/events?after=0&limit=1000');
    expect(res.status).toBe(200);
    const types = new Set(res.body.events.map((e: { type: string }) => e.type));
    for (const t of ['product.created', 'product.updated', 'stock.adjusted']) expect(types).toContain(t);
    expect(res.body.source).toBe('product-service');
  });
});
