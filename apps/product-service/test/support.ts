import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import {
  apiClient,
  ApiClient,
  bootService,
  createTestDatabase,
  sql,
  testEnv,
  TestIssuer,
} from '@ha-shop/testkit';
import { INTERNAL_TOKEN_HEADER } from '@ha-shop/auth';
import type { RunningService } from '@ha-shop/service-kit';
import { AppModule } from '../src/app.module';
import { seedCatalog } from '../src/seed/catalog-seed';

export interface ProductService {
  db: string;
  issuer: TestIssuer;
  svc: RunningService;
  api: ApiClient;
  dataSource: DataSource;
  adminToken: string;
  customerToken: string;
  /** Wall time of bootService (module creation, database, migrations, listen). */
  startupMs: number;
  /** Same database, another in-process replica of the service. */
  replica(env?: Record<string, string>): Promise<RunningService>;
  close(): Promise<void>;
}

/** The internal token the inventory suites start product-service with, and the header carrying it. */
export const INTERNAL_TOKEN = 'test-internal-token-0123456789';
export const internalHeaders = { [INTERNAL_TOKEN_HEADER]: INTERNAL_TOKEN };

/**
 * The internal routes as checkout-service calls them, with the internal token. Takes a getter
 * because suites start the service in beforeAll.
 */
export function internalRoutes(service: () => ProductService) {
  const post = (path: string, body?: unknown) => service().api.post(path, body, { headers: internalHeaders });
  const get = (path: string) => service().api.get(path, { headers: internalHeaders });
  const reserve = (
    reservationKey: string,
    items: Array<{ sku: string; quantity: number }>,
    ttlSeconds?: number,
  ) =>
    post('/internal/inventory/reservations', {
      reservationKey,
      items,
      ...(ttlSeconds ? { ttlSeconds } : {}),
    });
  return { post, get, reserve };
}

export async function startProductService(
  options: { env?: Record<string, string>; seedProducts?: number; db?: string } = {},
): Promise<ProductService> {
  const db = options.db ?? (await createTestDatabase('product'));
  const issuer = await TestIssuer.start();
  const env = testEnv({ DATABASE_URL: db, JWKS_URL: issuer.jwksUrl, ...options.env });
  const started = performance.now();
  const svc = await bootService(AppModule.forRoot(env), 'product-service');
  const startupMs = performance.now() - started;
  const dataSource = svc.app.get(DataSource);
  if (options.seedProducts) await seedCatalog(dataSource, { products: options.seedProducts, seed: 7 });
  const replicas: RunningService[] = [];
  return {
    db,
    issuer,
    svc,
    api: apiClient(svc.url),
    dataSource,
    adminToken: await issuer.adminToken(),
    customerToken: await issuer.token({ roles: ['customer'] }),
    startupMs,
    async replica(extra = {}) {
      const r = await bootService(AppModule.forRoot({ ...env, ...extra }), 'product-service');
      replicas.push(r);
      return r;
    },
    async close() {
      await Promise.all(replicas.map((r) => r.shutdown()));
      await svc.shutdown();
      await issuer.close();
    },
  };
}

let counter = 0;
/** Unique-per-run suffix for slugs and SKUs created by a test. */
export const uniq = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

export async function createCategory(ctx: ProductService, slug: string, name = slug): Promise<void> {
  const res = await ctx.api.post('/admin/categories', { slug, name }, { token: ctx.adminToken });
  if (res.status !== 201 && res.status !== 409)
    throw new Error(`category: ${res.status} ${JSON.stringify(res.body)}`);
}

export interface NewVariant {
  sku: string;
  price: number;
  currency?: string;
  stock?: number;
  options?: Record<string, string>;
}

export async function createProduct(
  ctx: ProductService,
  p: {
    slug: string;
    name: string;
    categorySlug: string;
    description?: string;
    status?: string;
    variants: NewVariant[];
  },
): Promise<{ id: string; slug: string }> {
  const res = await ctx.api.post(
    '/admin/products',
    { ...p, variants: p.variants.map((v) => ({ currency: 'EUR', ...v })) },
    { token: ctx.adminToken },
  );
  if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function stockOf(
  db: string,
  sku: string,
): Promise<{ available: number; reserved: number; sold: number }> {
  const [row] = await sql<{ available: number; reserved: number; sold: number }>(
    db,
    'SELECT available, reserved, sold FROM stock WHERE sku = $1',
    [sku],
  );
  return row;
}

export async function outboxEvents(db: string, type: string, aggregateId?: string) {
  return sql<{ type: string; aggregate_id: string; payload: Record<string, unknown> }>(
    db,
    `SELECT type, aggregate_id, payload FROM outbox_event WHERE type = $1 AND ($2::text IS NULL OR aggregate_id = $2) ORDER BY seq`,
    [type, aggregateId ?? null],
  );
}
