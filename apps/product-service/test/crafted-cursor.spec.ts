import { mapError } from '@ha-shop/service-kit';
import { expectProblem } from '@ha-shop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProductService, startProductService } from './support';

// Issue 14 item 10: cursors are client input. A well-formed cursor carrying a value PostgreSQL
// refuses (SQLSTATE class 22) was a 500.
const ID = '00000000-0000-4000-8000-000000000001';
const cursor = (s: string, v: unknown) => Buffer.from(JSON.stringify({ s, v, id: ID })).toString('base64url');

describe('crafted cursors', () => {
  let ctx: ProductService;
  beforeAll(async () => {
    ctx = await startProductService({ seedProducts: 3 });
  });
  afterAll(() => ctx?.close());

  it.each([
    ['newest', '1'],
    ['newest', '2024-02-30'],
    ['newest', '2024-02-30T10:00:00.000Z'],
    ['newest', '2024-01-01 10:00'],
    ['newest', '+275760-09-13T00:00:00.000Z'],
    ['name', 'a\u0000b'],
    ['price_asc', 2 ** 40],
    ['price_desc', 1.5],
  ])('sort=%s with value %j is a 400 invalid-cursor', async (sort, value) => {
    const res = await ctx.api.get(`/products?sort=${sort}&cursor=${cursor(sort, value)}`);
    const body = expectProblem(res, 400);
    expect(body.type).toBe('https://ha-shop.dev/problems/invalid-cursor');
  });

  it('a cursor the service issued still pages', async () => {
    const first = await ctx.api.get('/products?limit=1');
    expect(first.status).toBe(200);
    const next = await ctx.api.get(`/products?limit=1&cursor=${first.body.nextCursor}`);
    expect(next.status).toBe(200);
    expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it.each([
    ['SELECT $1::timestamptz', '2024-02-30'], // 22008
    ['SELECT $1::date', '1'], // 22007
    ['SELECT $1::text', 'a\u0000b'], // 22021
    ['SELECT 1 / $1::int', '0'], // 22012
  ])('a data exception (SQLSTATE class 22) from PostgreSQL maps to 400, case %#', async (text, param) => {
    const err = await ctx.dataSource.query(text, [param]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as { code?: string }).code).toMatch(/^22/);
    const mapped = mapError(err);
    expect(mapped.problem.status).toBe(400);
    expect(mapped.serverFault).toBe(false);
  });
});
