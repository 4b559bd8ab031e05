import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@ha-shop/testkit';
import { createCategory, createProduct, ProductService, startProductService } from './support';

type Hit = { name: string; slug: string; variants: Array<{ price: number; inStock: boolean }> };

describe('search', () => {
  let ctx: ProductService;
  const search = async (q: string, limit = 50): Promise<Hit[]> => {
    const res = await ctx.api.get(`/search?q=${encodeURIComponent(q)}&limit=${limit}`);
    expect(res.status).toBe(200);
    return res.body.items;
  };

  beforeAll(async () => {
    ctx = await startProductService({ seedProducts: 300 });
    await createCategory(ctx, 'gadgets', 'Gadgets');
    const products = [
      ['nimbus-headphones', 'Nimbus Headphones', 'Over-ear sound for long flights.'],
      ['nimbus-headphones-case', 'Nimbus Headphones Case', 'A hard shell case.'],
      ['travel-pouch', 'Travel Pouch', 'Keeps your headphones, cables and chargers together.'],
      ['mechanical-keyboard', 'Mechanical Keyboard', 'Tactile switches.'],
      ['hidden-headphones', 'Hidden Headphones', 'Not yet on sale.'],
    ];
    for (const [i, [slug, name, description]] of products.entries()) {
      await createProduct(ctx, {
        slug,
        name,
        description,
        categorySlug: 'gadgets',
        status: slug.startsWith('hidden') ? 'draft' : 'active',
        variants: [{ sku: `SRCH-${i}`, price: 1000 + i, stock: i % 2 }],
      });
    }
  });
  afterAll(() => ctx?.close());

  it('ranks an exact name match first', async () => {
    const hits = await search('Nimbus Headphones');
    expect(hits[0].name).toBe('Nimbus Headphones');
    expect(hits[1].name).toBe('Nimbus Headphones Case');
    expect((await search('nimbus headphones case'))[0].name).toBe('Nimbus Headphones Case');
  });

  it('ranks name matches above description matches (weights A over B)', async () => {
    const names = (await search('headphones')).map((h) => h.name);
    expect(names).toContain('Travel Pouch');
    expect(names.indexOf('Nimbus Headphones')).toBeLessThan(names.indexOf('Travel Pouch'));
    const seededHeadphones = names.filter((n) => n.endsWith(' Headphones') && !n.startsWith('Nimbus'));
    expect(seededHeadphones.length).toBeGreaterThan(0);
    expect(names.indexOf(seededHeadphones[0])).toBeLessThan(names.indexOf('Travel Pouch'));
  });

  it('finds products by category name (weight C)', async () => {
    const names = (await search('gadgets')).map((h) => h.name);
    expect(names).toEqual(
      expect.arrayContaining(['Nimbus Headphones', 'Mechanical Keyboard', 'Travel Pouch']),
    );
  });

  it('tolerates typos through trigram similarity', async () => {
    const hedphones = await search('hedphones', 20);
    expect(hedphones.length).toBeGreaterThan(3);
    expect(hedphones.slice(0, 3).every((h) => h.name.includes('Headphones'))).toBe(true);

    const keybaord = (await search('keybaord', 50)).map((h) => h.name);
    expect(keybaord).toContain('Mechanical Keyboard');
    expect(keybaord.filter((n) => n.includes('Keyboard')).length).toBeGreaterThan(1);

    // A typo inside a multi-word query still finds the product.
    expect((await search('nimbus hedphones')).map((h) => h.name)).toContain('Nimbus Headphones');
  });

  it('hides unlisted products and includes price and availability', async () => {
    const hits = await search('headphones');
    expect(hits.map((h) => h.name)).not.toContain('Hidden Headphones');
    const hit = hits.find((h) => h.name === 'Nimbus Headphones')!;
    expect(hit.variants).toEqual([
      expect.objectContaining({ price: 1000, inStock: false, currency: 'EUR', sku: 'SRCH-0' }),
    ]);
  });

  it('answers odd but valid queries without errors', async () => {
    for (const q of [
      "'; DROP TABLE product; --",
      '&|!:*()<->',
      '"unterminated',
      'a',
      '-',
      'ß∂ƒ 東京',
      '%_\\',
    ]) {
      const res = await ctx.api.get(`/search?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
    }
    expect((await search('zzqxv nothing like this')).length).toBe(0);
  });

  it('rejects missing, empty, long or repeated q and bad limits', async () => {
    for (const path of [
      '/search',
      '/search?q=',
      '/search?q=%20%20',
      `/search?q=${'x'.repeat(101)}`,
      '/search?q=a&q=b',
      '/search?q=a&limit=0',
      '/search?q=a&limit=51',
      '/search?q=a&limit=x',
      '/search?q=a&sort=name',
    ]) {
      expectProblem(await ctx.api.get(path), 400);
    }
    expect((await ctx.api.get(`/search?q=${'x'.repeat(100)}`)).status).toBe(200);
  });
});
