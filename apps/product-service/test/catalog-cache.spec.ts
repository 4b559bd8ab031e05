// Degradation of catalog reads: the database really fails here. The service connects as a role
// of its own, so the test can lock it out (CONNECTION LIMIT 0 + pg_terminate_backend) or hold a
// table lock (a slow database), without touching the PostgreSQL other test files share.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { validateEnv } from '@ha-shop/service-kit';
import { ApiResponse, expectProblem, sql, waitFor } from '@ha-shop/testkit';
import { CatalogCache } from '../src/catalog/catalog-cache';
import { ProductEnv } from '../src/config/product.env';
import { createCategory, createProduct, ProductService, startProductService } from './support';

const FRESH_MS = 1500;
const DB_TIMEOUT_MS = 400;

interface OwnDatabase {
  url: string;
  role: string;
  /** New connections refused, open ones terminated: the database is gone for this service. */
  lockOut(): Promise<void>;
  letIn(): Promise<void>;
}

async function ownDatabase(): Promise<OwnDatabase> {
  const admin = inject('pgAdminUrl');
  const role = `cache_${randomBytes(5).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await sql(admin, `CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  await sql(admin, `CREATE DATABASE ${role} OWNER ${role}`);
  const url = new URL(admin);
  url.username = role;
  url.password = password;
  url.pathname = `/${role}`;
  return {
    url: url.toString(),
    role,
    async lockOut() {
      await sql(admin, `ALTER ROLE ${role} CONNECTION LIMIT 0`);
      await sql(admin, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
    },
    async letIn() {
      await sql(admin, `ALTER ROLE ${role} CONNECTION LIMIT -1`);
    },
  };
}

const CATALOG_READS = ['/products?limit=5', '/products/cache-lamp', '/categories', '/search?q=Lamp'];

describe('catalog reads while the database fails', () => {
  let db: OwnDatabase;
  let ctx: ProductService;

  beforeAll(async () => {
    db = await ownDatabase();
    ctx = await startProductService({
      db: db.url,
      env: {
        CATALOG_CACHE_FRESH_MS: String(FRESH_MS),
        CATALOG_CACHE_DB_TIMEOUT_MS: String(DB_TIMEOUT_MS),
        SWEEPER_INTERVAL_MS: '3600000',
      },
    });
    await createCategory(ctx, 'lighting', 'Lighting');
    for (const slug of ['cache-lamp', 'cache-shade']) {
      await createProduct(ctx, {
        slug,
        name: slug.replace('cache-', 'Cache ').replace(/^\w|\s\w/g, (c) => c.toUpperCase()),
        categorySlug: 'lighting',
        variants: [{ sku: slug.toUpperCase(), price: 2500, stock: 3 }],
      });
    }
  });
  afterAll(async () => {
    await db?.letIn();
    await ctx?.close();
  });

  /** Fills the cache with every catalog read, then waits until none of them is fresh any more. */
  async function warm(paths = CATALOG_READS): Promise<Map<string, ApiResponse>> {
    const seen = new Map<string, ApiResponse>();
    for (const path of paths) {
      const res = await ctx.api.get(path);
      expect(res.status, path).toBe(200);
      seen.set(path, res);
    }
    await sleep(FRESH_MS + 100);
    return seen;
  }

  it('answers a repeated read from the cache while it is fresh', async () => {
    const first = await ctx.api.get('/products?limit=3&sort=name');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('miss');
    // Same query, parameters in another order and with extra whitespace: one normalised key.
    const again = await ctx.api.get('/products?sort=name&limit=3');
    expect(again.headers.get('x-cache')).toBe('hit');
    expect(again.headers.get('age')).toMatch(/^\d+$/);
    expect(again.body).toEqual(first.body);
    await ctx.api.get('/search?q=cache%20lamp');
    expect((await ctx.api.get('/search?q=Cache%20%20Lamp')).headers.get('x-cache')).toBe('hit');
  });

  it('serves every cached catalog read as stale while the database is down; uncached reads get 503', async () => {
    const before = await warm();
    await db.lockOut();
    try {
      for (const path of CATALOG_READS) {
        const res = await ctx.api.get(path);
        expect(res.status, path).toBe(200);
        expect(res.headers.get('x-cache'), path).toBe('stale');
        expect(Number(res.headers.get('age')), path).toBeGreaterThanOrEqual(1);
        expect(res.headers.get('warning')).toBe('110 - "Response is Stale"');
        expect(res.body, path).toEqual(before.get(path)!.body);
      }
      const uncached = await ctx.api.get('/products?limit=7');
      expectProblem(uncached, 503);
      expect(uncached.headers.get('retry-after')).toMatch(/^\d+$/);
      // Readiness tells the truth: the replica is degraded, not healthy.
      expect((await ctx.api.get('/health/ready')).status).toBe(503);
      const metrics = await ctx.api.get('/metrics');
      expect(metrics.body).toMatch(/catalog_cache_requests_total\{outcome="stale"\} [1-9]/);
    } finally {
      await db.letIn();
    }
    // Back to the database by itself once it answers again.
    const back = await waitFor(
      async () => {
        const res = await ctx.api.get('/products?limit=5');
        return res.headers.get('x-cache') === 'miss' ? res : undefined;
      },
      { timeoutMs: 15_000, what: 'a miss from the database' },
    );
    expect(back.status).toBe(200);
  });

  it('does not wait for a slow database when a stale answer exists, and asks it once per key', async () => {
    await warm(['/products?limit=5']);
    const locker = new Client({ connectionString: inject('pgAdminUrl').replace(/\/[^/]*$/, `/${db.role}`) });
    await locker.connect();
    try {
      // A real slow database: the catalog table is locked, so every read of it queues behind the lock.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE product IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 8 }, () => ctx.api.get('/products?limit=5')));
      const elapsed = Date.now() - started;
      for (const res of answers) {
        expect(res.status).toBe(200);
        expect(res.headers.get('x-cache')).toBe('stale');
      }
      // Answered while the lock is still held, so not after the 5 s statement timeout: the tight
      // DB_TIMEOUT_MS applied (generous bound for a busy machine).
      expect(elapsed).toBeLessThan(2500);
      const waiting = await sql<{ n: number }>(
        inject('pgAdminUrl'),
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock'`,
        [db.role],
      );
      // Eight requests, one query: the refresh of a key is shared.
      expect(waiting[0].n).toBe(1);
    } finally {
      await locker.query('COMMIT');
      await locker.end();
    }
    // The refresh that waited behind the lock completes and stores a fresh answer.
    await waitFor(
      async () => {
        const res = await ctx.api.get('/products?limit=5');
        return res.headers.get('x-cache') === 'hit' ? res : undefined;
      },
      { timeoutMs: 15_000, what: 'a fresh cache hit' },
    );
  });

  it('never serves a stale copy of a product taken off sale on this replica', async () => {
    const product = await createProduct(ctx, {
      slug: 'cache-retired',
      name: 'Cache Retired',
      categorySlug: 'lighting',
      variants: [{ sku: 'CACHE-RETIRED', price: 900, stock: 1 }],
    });
    expect((await ctx.api.get('/products/cache-retired')).status).toBe(200);
    const res = await ctx.api.patch(
      `/admin/products/${product.id}`,
      { status: 'archived' },
      { token: ctx.adminToken },
    );
    expect(res.status).toBe(200);
    // The admin write made the cached copy non-fresh; the database's 404 wins over it.
    expectProblem(await ctx.api.get('/products/cache-retired'), 404);
  });
});

describe('catalog cache bounds', () => {
  const envWith = (extra: Record<string, string>) =>
    validateEnv(ProductEnv, { DATABASE_URL: 'postgres://u@127.0.0.1:1/db', ...extra });
  const down = () =>
    Promise.reject(Object.assign(new Error('Connection terminated'), { code: 'ECONNRESET' }));

  it('keeps at most CATALOG_CACHE_MAX_ENTRIES entries, least recently used out first', async () => {
    const cache = new CatalogCache(envWith({ CATALOG_CACHE_MAX_ENTRIES: '3', CATALOG_CACHE_FRESH_MS: '0' }));
    for (const key of ['a', 'b', 'c', 'd', 'e']) await cache.read(key, async () => ({ key }));
    expect(cache.size.entries).toBe(3);
    await expect(cache.read('a', down)).rejects.toThrow('Connection terminated');
    await expect(cache.read('b', down)).rejects.toThrow('Connection terminated');
    for (const key of ['c', 'd', 'e']) {
      expect(await cache.read(key, down)).toMatchObject({ outcome: 'stale', value: { key } });
    }
  });

  it('keeps at most CATALOG_CACHE_MAX_BYTES, and no single entry over a quarter of it', async () => {
    const cache = new CatalogCache(envWith({ CATALOG_CACHE_MAX_BYTES: '4096', CATALOG_CACHE_FRESH_MS: '0' }));
    const of = (bytes: number) => async () => ({ pad: 'x'.repeat(bytes - 10) });
    await cache.read('huge', of(2000));
    expect(cache.size.entries).toBe(0);
    for (const key of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6']) await cache.read(key, of(900));
    expect(cache.size.bytes).toBeLessThanOrEqual(4096);
    expect(cache.size.entries).toBe(4);
    await expect(cache.read('huge', down)).rejects.toThrow();
    await expect(cache.read('p1', down)).rejects.toThrow();
    expect((await cache.read('p6', down)).outcome).toBe('stale');
  });

  it('forgets an entry once it is older than fresh + stale time', async () => {
    const cache = new CatalogCache(envWith({ CATALOG_CACHE_FRESH_MS: '0', CATALOG_CACHE_STALE_MS: '100' }));
    await cache.read('k', async () => ({ v: 1 }));
    expect((await cache.read('k', down)).outcome).toBe('stale');
    await sleep(150);
    await expect(cache.read('k', down)).rejects.toThrow('Connection terminated');
  });
});
