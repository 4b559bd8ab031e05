import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '@ha-shop/database';
import { apiClient, sql } from '@ha-shop/testkit';
import { SCHEMA } from '../src/schema';
import { createCategory, createProduct, ProductService, startProductService } from './support';

describe('service lifecycle', () => {
  let ctx: ProductService;

  beforeAll(async () => {
    ctx = await startProductService();
  });
  afterAll(() => ctx?.close());

  it('starts (migrating a fresh database) and reports the startup time', async () => {
    // Measured, not asserted: timing belongs in benchmarks.
    console.log(
      `product-service startup on a fresh database (incl. migrations): ${Math.round(ctx.startupMs)} ms`,
    );
    const replica = await ctx.replica();
    const [{ n }] = await sql<{ n: number }>(ctx.db, 'SELECT count(*)::int AS n FROM migrations');
    expect(n).toBe(SCHEMA.migrations.length);
    expect((await apiClient(replica.url).get('/health/ready')).status).toBe(200);
  });

  it('measures a warm start on a migrated database', async () => {
    const warm = await startProductService({ db: ctx.db });
    console.log(`product-service startup on a migrated database: ${Math.round(warm.startupMs)} ms`);
    expect((await warm.api.get('/health/startup')).status).toBe(200);
    await warm.close();
  });

  it('answers liveness, readiness and startup probes', async () => {
    for (const probe of ['live', 'ready', 'startup']) {
      const res = await ctx.api.get(`/health/${probe}`);
      expect(res.status, probe).toBe(200);
      expect(res.body.status).toBe('ok');
    }
    expect((await ctx.api.get('/health/ready')).body.info.database.status).toBe('up');
  });

  it('has the extension, constraints and indexes the queries rely on', async () => {
    expect(await sql(ctx.db, `SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'`)).toHaveLength(1);
    const indexes = (
      await sql<{ indexname: string }>(ctx.db, `SELECT indexname FROM pg_indexes WHERE tablename = 'product'`)
    ).map((r) => r.indexname);
    for (const name of [
      'product_newest_idx',
      'product_price_idx',
      'product_name_idx',
      'product_category_newest_idx',
      'product_search_idx',
      'product_name_trgm_idx',
    ]) {
      expect(indexes).toContain(name);
    }
    await expect(sql(ctx.db, `UPDATE stock SET available = -1`)).resolves.toEqual([]); // no rows yet
    await createCategory(ctx, 'c', 'C');
    await createProduct(ctx, {
      slug: 'p',
      name: 'P',
      categorySlug: 'c',
      variants: [{ sku: 'P-1', price: 1, stock: 1 }],
    });
    await expect(sql(ctx.db, `UPDATE stock SET available = -1 WHERE sku = 'P-1'`)).rejects.toThrow(
      /stock_available_nonnegative/,
    );
    await expect(sql(ctx.db, `UPDATE stock SET reserved = -1 WHERE sku = 'P-1'`)).rejects.toThrow(
      /stock_reserved_nonnegative/,
    );
    await expect(sql(ctx.db, `UPDATE product_variant SET price = -1 WHERE sku = 'P-1'`)).rejects.toThrow(
      /price_nonnegative/,
    );
    expect(
      await runMigrations({
        url: ctx.db,
        applicationName: 'test',
        ...SCHEMA,
      }),
    ).toEqual([]);
  });

  it('keeps serving products when product.viewed cannot be recorded', async () => {
    await sql(ctx.db, 'ALTER TABLE outbox_event RENAME TO outbox_event_away');
    try {
      for (let i = 0; i < 10; i++) expect((await ctx.api.get('/products/p')).status).toBe(200);
    } finally {
      await sql(ctx.db, 'ALTER TABLE outbox_event_away RENAME TO outbox_event');
    }
  });

  it('serves the OpenAPI document with every route', async () => {
    const doc = await ctx.api.get('/docs/json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/products',
        '/products/{slug}',
        '/categories',
        '/search',
        '/admin/products',
        '/admin/products/{id}',
        '/admin/variants/{sku}/stock',
        '/internal/inventory/reservations',
        '/internal/inventory/reservations/{key}/commit',
        '/internal/prices',
      ]),
    );
  });
});
