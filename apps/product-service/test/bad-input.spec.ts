// Over 250 lines: one table of malformed requests per route, all run against one booted product-service.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiResponse, RequestOptions } from '@ha-shop/testkit';
import { RESERVATION_KEY_PATTERN } from '../src/common/patterns';
import { createCategory, createProduct, ProductService, startProductService } from './support';

/**
 * Throws malformed input at every route. Whatever the input, the answer is a 4xx
 * application/problem+json: never a 500, never a hang, never a silently accepted value.
 */
describe('bad input on every route', () => {
  let ctx: ProductService;
  let productId: string;
  let failures: string[] = [];

  beforeAll(async () => {
    ctx = await startProductService();
    await createCategory(ctx, 'misc', 'Misc');
    productId = (
      await createProduct(ctx, {
        slug: 'target',
        name: 'Target',
        categorySlug: 'misc',
        variants: [{ sku: 'TGT-1', price: 100, stock: 5 }],
      })
    ).id;
  });
  afterAll(() => ctx?.close());
  beforeEach(() => {
    failures = [];
  });

  async function expect4xx(
    label: string,
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<ApiResponse> {
    const res = await ctx.api.request(method, path, { token: ctx.adminToken, ...opts });
    const type = res.headers.get('content-type') ?? '';
    if (res.status < 400 || res.status >= 500 || !type.startsWith('application/problem+json')) {
      failures.push(
        `${label}: ${method} ${path.slice(0, 120)} -> ${res.status} ${type} ${JSON.stringify(res.body).slice(0, 200)}`,
      );
    }
    return res;
  }

  const huge = 'x'.repeat(20_000);
  const validProduct = {
    slug: 'valid-one',
    name: 'Valid',
    categorySlug: 'misc',
    variants: [{ sku: 'VAL-1', price: 100, currency: 'EUR' }],
  };
  const variant = validProduct.variants[0];
  const validReservation = { reservationKey: 'k-1', items: [{ sku: 'TGT-1', quantity: 1 }] };

  const bodyRoutes: Array<{ method: string; path: string; cases: Record<string, unknown> }> = [
    {
      method: 'POST',
      path: '/admin/categories',
      cases: {
        'missing name': { slug: 'ok' },
        'slug with spaces': { slug: 'not ok', name: 'x' },
        'slug uppercase': { slug: 'Upper', name: 'x' },
        'slug too long': { slug: 'a'.repeat(101), name: 'x' },
        'name huge': { slug: 'ok', name: huge },
        'name empty': { slug: 'ok', name: '' },
        'name number': { slug: 'ok', name: 5 },
        'unknown field': { slug: 'ok', name: 'x', admin: true },
      },
    },
    {
      method: 'POST',
      path: '/admin/products',
      cases: {
        'no variants': { ...validProduct, variants: [] },
        'variants not array': { ...validProduct, variants: 'x' },
        'variant null': { ...validProduct, variants: [null] },
        'variant empty': { ...validProduct, variants: [{}] },
        'negative price': { ...validProduct, variants: [{ ...variant, price: -1 }] },
        'fractional price': { ...validProduct, variants: [{ ...variant, price: 1.5 }] },
        'huge price': { ...validProduct, variants: [{ ...variant, price: 1e20 }] },
        'price as string': { ...validProduct, variants: [{ ...variant, price: '100' }] },
        'lowercase currency': { ...validProduct, variants: [{ ...variant, currency: 'eur' }] },
        'unknown currency': { ...validProduct, variants: [{ ...variant, currency: 'ABC' }] },
        'options array': { ...validProduct, variants: [{ ...variant, options: ['a'] }] },
        'options number value': { ...validProduct, variants: [{ ...variant, options: { size: 1 } }] },
        'options nested': { ...validProduct, variants: [{ ...variant, options: { size: { a: 'b' } } }] },
        'options too many': {
          ...validProduct,
          variants: [
            { ...variant, options: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) },
          ],
        },
        'negative stock': { ...validProduct, variants: [{ ...variant, stock: -1 }] },
        'bad sku': { ...validProduct, variants: [{ ...variant, sku: 'has space' }] },
        'sku too long': { ...validProduct, variants: [{ ...variant, sku: 'A'.repeat(65) }] },
        'unknown variant field': { ...validProduct, variants: [{ ...variant, cost: 1 }] },
        '51 variants': {
          ...validProduct,
          variants: Array.from({ length: 51 }, (_, i) => ({ ...variant, sku: `V-${i}` })),
        },
        'description huge': { ...validProduct, description: huge },
        'images not urls': { ...validProduct, images: ['javascript:alert(1)'] },
        'images too many': {
          ...validProduct,
          images: Array.from({ length: 11 }, (_, i) => `https://x.test/${i}.jpg`),
        },
        'images not array': { ...validProduct, images: 'https://x.test/a.jpg' },
        'bad status': { ...validProduct, status: 'deleted' },
        'category not slug': { ...validProduct, categorySlug: '../etc' },
        'unknown field': { ...validProduct, id: '00000000-0000-4000-8000-000000000000' },
        'missing name': { ...validProduct, name: undefined },
        'description null': { ...validProduct, description: null },
        'status null': { ...validProduct, status: null },
        'stock null': { ...validProduct, variants: [{ ...variant, stock: null }] },
      },
    },
    {
      method: 'PATCH',
      path: '/admin/products/:id',
      cases: {
        empty: {},
        'name null': { name: null },
        'description null': { description: null },
        'category null': { categorySlug: null },
        'images null': { images: null },
        'variant options null': { variants: [{ sku: 'TGT-1', options: null }] },
        'name huge': { name: huge },
        'status wrong': { status: 1 },
        'variants empty': { variants: [] },
        'variant price negative': { variants: [{ sku: 'TGT-1', price: -5 }] },
        'unknown field': { minPrice: 1 },
        'images null entries': { images: [null] },
      },
    },
    {
      method: 'POST',
      path: '/admin/variants/TGT-1/stock',
      cases: {
        empty: {},
        both: { delta: 1, quantity: 1 },
        'negative quantity': { quantity: -1 },
        'fractional delta': { delta: 0.5 },
        'huge delta': { delta: 1e12 },
        'string quantity': { quantity: '5' },
        'null delta': { delta: null },
        'null quantity': { quantity: null },
        'unknown field': { delta: 1, reason: 'x' },
        'below zero': { delta: -6 },
      },
    },
    {
      method: 'POST',
      path: '/internal/inventory/reservations',
      cases: {
        'no items': { ...validReservation, items: [] },
        'items not array': { ...validReservation, items: {} },
        'negative quantity': { ...validReservation, items: [{ sku: 'TGT-1', quantity: -1 }] },
        'zero quantity': { ...validReservation, items: [{ sku: 'TGT-1', quantity: 0 }] },
        'fractional quantity': { ...validReservation, items: [{ sku: 'TGT-1', quantity: 1.5 }] },
        'string quantity': { ...validReservation, items: [{ sku: 'TGT-1', quantity: '1' }] },
        'huge quantity': { ...validReservation, items: [{ sku: 'TGT-1', quantity: 1e9 }] },
        'duplicate skus': {
          ...validReservation,
          items: [
            { sku: 'TGT-1', quantity: 1 },
            { sku: 'TGT-1', quantity: 1 },
          ],
        },
        '101 items': {
          ...validReservation,
          items: Array.from({ length: 101 }, (_, i) => ({ sku: `S-${i}`, quantity: 1 })),
        },
        'empty key': { ...validReservation, reservationKey: '' },
        'key with slash': { ...validReservation, reservationKey: 'a/b' },
        'key too long': { ...validReservation, reservationKey: 'k'.repeat(101) },
        'key number': { ...validReservation, reservationKey: 42 },
        'ttl zero': { ...validReservation, ttlSeconds: 0 },
        'ttl too long': { ...validReservation, ttlSeconds: 86_401 },
        'ttl string': { ...validReservation, ttlSeconds: '10' },
        'ttl null': { ...validReservation, ttlSeconds: null },
        'unknown field': { ...validReservation, userId: 'x' },
        'unknown sku': {
          ...validReservation,
          reservationKey: 'unknown-sku',
          items: [{ sku: 'NOPE', quantity: 1 }],
        },
        'out of stock': {
          ...validReservation,
          reservationKey: 'too-many',
          items: [{ sku: 'TGT-1', quantity: 6 }],
        },
      },
    },
    {
      method: 'POST',
      path: '/internal/prices',
      cases: {
        'skus missing': {},
        'skus not array': { skus: 'TGT-1' },
        'skus numbers': { skus: [1, 2] },
        'skus empty': { skus: [] },
        'skus too many': { skus: Array.from({ length: 201 }, (_, i) => `S-${i}`) },
        'sku malformed': { skus: ['a b'] },
      },
    },
  ];

  it('answers malformed bodies with 4xx problems', async () => {
    for (const route of bodyRoutes) {
      const path = route.path.replace(':id', productId);
      for (const [label, body] of Object.entries(route.cases))
        await expect4xx(label, route.method, path, { body });
      for (const body of [null, [], 'text', 123, true])
        await expect4xx(`body ${JSON.stringify(body)}`, route.method, path, { body });
      await expect4xx('no body', route.method, path);
      await expect4xx('empty json', route.method, path, { rawBody: '' });
      await expect4xx('malformed json', route.method, path, { rawBody: '{"a":' });
      await expect4xx('proto pollution', route.method, path, { rawBody: '{"__proto__":{"admin":true}}' });
      await expect4xx('text/plain', route.method, path, {
        rawBody: 'x=1',
        headers: { 'content-type': 'text/plain' },
      });
      await expect4xx('form', route.method, path, {
        rawBody: 'x=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      await expect4xx('oversized', route.method, path, {
        rawBody: JSON.stringify({ name: 'x'.repeat(300_000) }),
      });
    }
    expect(failures).toEqual([]);
  });

  it('answers malformed path parameters with 4xx problems', async () => {
    const params = [
      'UPPER',
      'a--b',
      '-a',
      'a%20b',
      '%00',
      '%E0%A4%A',
      "'%20OR%201=1",
      'x'.repeat(101),
      '..%2F..%2Fetc',
    ];
    for (const p of params) {
      await expect4xx('slug', 'GET', `/products/${p}`);
      await expect4xx('product id', 'GET', `/admin/products/${p}`);
      await expect4xx('product id', 'PATCH', `/admin/products/${p}`, { body: { name: 'x' } });
      await expect4xx('sku', 'GET', `/admin/variants/${p}/stock`);
      await expect4xx('sku', 'POST', `/admin/variants/${p}/stock`, { body: { delta: 1 } });
      await expect4xx('key', 'GET', `/internal/inventory/reservations/${p}`);
      await expect4xx('key', 'POST', `/internal/inventory/reservations/${p}/commit`);
      if (RESERVATION_KEY_PATTERN.test(p)) {
        // A well-formed key nobody reserved under: releasing it is allowed (it leaves a tombstone,
        // so a late reserve under it holds nothing), not bad input.
        const res = await ctx.api.request('POST', `/internal/inventory/reservations/${p}/release`, {
          token: ctx.adminToken,
        });
        if (res.status !== 200 || res.body?.status !== 'released')
          failures.push(`release ${p} -> ${res.status}`);
      } else {
        await expect4xx('key', 'POST', `/internal/inventory/reservations/${p}/release`);
      }
    }
    for (const id of [
      '123',
      '00000000-0000-0000-0000-00000000000g',
      '{00000000-0000-4000-8000-000000000000}',
    ]) {
      await expect4xx('uuid', 'GET', `/admin/products/${id}`);
    }
    await expect4xx('missing product', 'GET', '/admin/products/00000000-0000-4000-8000-000000000000');
    await expect4xx('missing reservation', 'GET', '/internal/inventory/reservations/none');
    expect(failures).toEqual([]);
  });

  it('answers malformed queries with 4xx problems', async () => {
    for (const q of [
      '/products?sort[]=name',
      '/products?category[]=misc',
      '/products?limit[a]=1',
      '/products?cursor=%00%01',
      // Within Node's 16 KiB header limit; beyond it Node itself answers 431 before any handler runs.
      `/products?cursor=${'x'.repeat(8000)}`,
      '/products?limit=-1',
      '/products?limit=1e3',
      '/search?q[]=a',
      `/search?q=${'x'.repeat(8000)}`,
      '/search?q=a&limit=-5',
      '/events?after=-1',
      '/events?after=abc',
      '/events?limit=0',
    ]) {
      await expect4xx('query', 'GET', q);
    }
    await expect4xx('unknown route', 'GET', '/nope');
    await expect4xx('wrong method', 'DELETE', '/products');
    expect(failures).toEqual([]);
  });

  it('still works after all that', async () => {
    expect((await ctx.api.get('/products/target')).status).toBe(200);
    expect((await ctx.api.get('/health/ready')).status).toBe(200);
  });
});
