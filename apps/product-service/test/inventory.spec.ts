// Over 250 lines: the internal inventory API's cases share one booted product-service and database; a second file would boot both again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, expectProblem, sql, waitFor } from '@ha-shop/testkit';
import {
  createCategory,
  createProduct,
  INTERNAL_TOKEN,
  internalHeaders,
  internalRoutes,
  outboxEvents,
  ProductService,
  startProductService,
  stockOf,
} from './support';

describe('internal inventory API', () => {
  let ctx: ProductService;
  const { post, get, reserve } = internalRoutes(() => ctx);

  async function product(slug: string, variants: Array<{ sku: string; stock: number; price?: number }>) {
    await createProduct(ctx, {
      slug,
      name: slug.replace(/-/g, ' '),
      categorySlug: 'inv',
      variants: variants.map((v) => ({ sku: v.sku, stock: v.stock, price: v.price ?? 2500 })),
    });
  }

  beforeAll(async () => {
    ctx = await startProductService({ env: { INTERNAL_TOKEN, SWEEPER_INTERVAL_MS: '200' } });
    await createCategory(ctx, 'inv', 'Inventory');
  });
  afterAll(() => ctx?.close());

  it('requires the internal token when one is configured', async () => {
    expectProblem(
      await ctx.api.post('/internal/inventory/reservations', { reservationKey: 'k', items: [] }),
      403,
    );
    expectProblem(
      await ctx.api.post('/internal/prices', { skus: ['X'] }, { headers: { 'x-internal-token': 'wrong' } }),
      403,
    );
    expectProblem(await ctx.api.get('/internal/inventory/reservations/k', { token: ctx.adminToken }), 403);
  });

  it('lets exactly the available units be reserved by 100 concurrent requests', async () => {
    await product('hot-item', [{ sku: 'HOT-1', stock: 10 }]);
    let sampling = true;
    const samples: number[] = [];
    const sampler = (async () => {
      while (sampling) {
        const [row] = await sql<{ available: number; reserved: number }>(
          ctx.db,
          `SELECT available, reserved FROM stock WHERE sku = 'HOT-1'`,
        );
        samples.push(row.available, row.reserved);
      }
    })();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => reserve(`hot-${i}`, [{ sku: 'HOT-1', quantity: 1 }])),
    );
    sampling = false;
    await sampler;
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(90);
    for (const r of results.filter((x) => x.status === 409)) {
      const problem = expectProblem(r, 409);
      expect(problem.type).toBe('https://ha-shop.dev/problems/out-of-stock');
      expect(problem.skus).toEqual(['HOT-1']);
    }
    expect(samples.length).toBeGreaterThan(0);
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(await stockOf(ctx.db, 'HOT-1')).toEqual({ available: 0, reserved: 10, sold: 0 });
    const [{ n }] = await sql<{ n: number }>(
      ctx.db,
      `SELECT count(*)::int AS n FROM reservation WHERE reservation_key LIKE 'hot-%'`,
    );
    expect(n).toBe(10);
    expect(await outboxEvents(ctx.db, 'inventory.reserved')).toHaveLength(10);
  });

  it('replays a reservation key idempotently and refuses the key with other items', async () => {
    await product('replay-item', [
      { sku: 'RPL-1', stock: 5 },
      { sku: 'RPL-2', stock: 5 },
    ]);
    const first = await reserve('order:replay-1', [
      { sku: 'RPL-2', quantity: 2 },
      { sku: 'RPL-1', quantity: 1 },
    ]);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      reservationKey: 'order:replay-1',
      status: 'reserved',
      items: [
        { sku: 'RPL-1', quantity: 1 },
        { sku: 'RPL-2', quantity: 2 },
      ],
      committedAt: null,
      releasedAt: null,
    });
    // Same items in another order are the same request.
    const again = await reserve('order:replay-1', [
      { sku: 'RPL-1', quantity: 1 },
      { sku: 'RPL-2', quantity: 2 },
    ]);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await stockOf(ctx.db, 'RPL-2')).toMatchObject({ available: 3, reserved: 2 });

    const other = expectProblem(await reserve('order:replay-1', [{ sku: 'RPL-1', quantity: 2 }]), 422);
    expect(other.type).toBe('https://ha-shop.dev/problems/reservation-key-reused');

    // Concurrent first attempts with one key: one creates, the rest replay; stock moves once.
    const burst = await Promise.all(
      Array.from({ length: 10 }, () => reserve('order:burst', [{ sku: 'RPL-1', quantity: 1 }])),
    );
    expect(burst.filter((r) => r.status === 201)).toHaveLength(1);
    expect(burst.filter((r) => r.status === 200)).toHaveLength(9);
    expect(new Set(burst.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(await stockOf(ctx.db, 'RPL-1')).toMatchObject({ available: 3, reserved: 2 });
  });

  it('reserves all items or none, and names what is short or unknown', async () => {
    await product('multi-item', [
      { sku: 'MUL-A', stock: 5 },
      { sku: 'MUL-B', stock: 1 },
    ]);
    const short = expectProblem(
      await reserve('multi-1', [
        { sku: 'MUL-A', quantity: 2 },
        { sku: 'MUL-B', quantity: 3 },
      ]),
      409,
    );
    expect(short.skus).toEqual(['MUL-B']);
    expect(short.items).toEqual([{ sku: 'MUL-B', requested: 3, available: 1 }]);
    expect(await stockOf(ctx.db, 'MUL-A')).toMatchObject({ available: 5, reserved: 0 });
    expectProblem(await get('/internal/inventory/reservations/multi-1'), 404);

    const unknown = expectProblem(
      await reserve('multi-2', [
        { sku: 'MUL-A', quantity: 1 },
        { sku: 'NOPE-1', quantity: 1 },
      ]),
      422,
    );
    expect(unknown.skus).toEqual(['NOPE-1']);
    expect(await stockOf(ctx.db, 'MUL-A')).toMatchObject({ available: 5, reserved: 0 });
    // A failed attempt leaves the key free to use.
    expect((await reserve('multi-1', [{ sku: 'MUL-A', quantity: 2 }])).status).toBe(201);
  });

  it('commits idempotently and refuses to release a committed reservation', async () => {
    await product('commit-item', [{ sku: 'CMT-1', stock: 4 }]);
    expect((await reserve('commit-1', [{ sku: 'CMT-1', quantity: 3 }])).status).toBe(201);
    const committed = await post('/internal/inventory/reservations/commit-1/commit');
    expect(committed.status).toBe(200);
    expect(committed.body).toMatchObject({ status: 'committed', committedAt: expect.any(String) });
    const again = await post('/internal/inventory/reservations/commit-1/commit');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(committed.body);
    expect(await stockOf(ctx.db, 'CMT-1')).toEqual({ available: 1, reserved: 0, sold: 3 });
    const release = expectProblem(await post('/internal/inventory/reservations/commit-1/release'), 409);
    expect(release.type).toBe('https://ha-shop.dev/problems/reservation-committed');
    expect((await get('/internal/inventory/reservations/commit-1')).body).toEqual(committed.body);
    expect(await outboxEvents(ctx.db, 'inventory.committed', 'commit-1')).toHaveLength(1);
  });

  it('releases idempotently and refuses to commit a released reservation', async () => {
    await product('release-item', [{ sku: 'REL-1', stock: 4 }]);
    expect((await reserve('release-1', [{ sku: 'REL-1', quantity: 4 }])).status).toBe(201);
    const released = await post('/internal/inventory/reservations/release-1/release');
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'released', releasedAt: expect.any(String) });
    expect((await post('/internal/inventory/reservations/release-1/release')).body).toEqual(released.body);
    expect(await stockOf(ctx.db, 'REL-1')).toEqual({ available: 4, reserved: 0, sold: 0 });
    expectProblem(await post('/internal/inventory/reservations/release-1/commit'), 409);
    expectProblem(await post('/internal/inventory/reservations/never-made/commit'), 404);
    expect(await outboxEvents(ctx.db, 'inventory.released', 'release-1')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ reason: 'released' }) }),
    ]);
  });

  it('lets a release that comes before its reservation win: the late reserve holds nothing', async () => {
    // The checkout gave up on a slow reserve and compensated at once; the reserve commits after.
    await product('early-release-item', [{ sku: 'EARLY-1', stock: 3 }]);
    const released = await post('/internal/inventory/reservations/early-1/release');
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'released', items: [] });
    const late = await reserve('early-1', [{ sku: 'EARLY-1', quantity: 2 }]);
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ status: 'released', items: [] });
    expect(await stockOf(ctx.db, 'EARLY-1')).toEqual({ available: 3, reserved: 0, sold: 0 });
    expectProblem(await post('/internal/inventory/reservations/early-1/commit'), 409);
    expect((await post('/internal/inventory/reservations/early-1/release')).body).toEqual(released.body);
    expect(await outboxEvents(ctx.db, 'inventory.reserved', 'early-1')).toEqual([]);
    expect(await outboxEvents(ctx.db, 'inventory.released', 'early-1')).toEqual([]);
  });

  it('expires reservations through the sweeper and returns their stock', async () => {
    await product('expiry-item', [{ sku: 'EXP-1', stock: 3 }]);
    const res = await reserve('expire-1', [{ sku: 'EXP-1', quantity: 2 }], 1);
    expect(res.status).toBe(201);
    expect(await stockOf(ctx.db, 'EXP-1')).toMatchObject({ available: 1, reserved: 2 });
    const expired = await waitFor(
      async () => {
        const r = await get('/internal/inventory/reservations/expire-1');
        return r.body.status === 'expired' ? r.body : undefined;
      },
      { timeoutMs: 15_000, what: 'expire-1 to expire' },
    );
    expect(expired.releasedAt).toEqual(expect.any(String));
    expect(await stockOf(ctx.db, 'EXP-1')).toEqual({ available: 3, reserved: 0, sold: 0 });
    // Releasing an expired reservation is a no-op; committing it takes the stock again while there is some.
    expect((await post('/internal/inventory/reservations/expire-1/release')).body.status).toBe('expired');
    const late = await post('/internal/inventory/reservations/expire-1/commit');
    expect(late.status).toBe(200);
    expect(late.body.status).toBe('committed');
    expect(await stockOf(ctx.db, 'EXP-1')).toEqual({ available: 1, reserved: 0, sold: 2 });

    expect((await reserve('expire-2', [{ sku: 'EXP-1', quantity: 1 }], 1)).status).toBe(201);
    await waitFor(
      async () =>
        (await get('/internal/inventory/reservations/expire-2')).body.status === 'expired' ? true : undefined,
      { timeoutMs: 15_000, what: 'expire-2 to expire' },
    );
    await ctx.api.post('/admin/variants/EXP-1/stock', { quantity: 0 }, { token: ctx.adminToken });
    const gone = expectProblem(await post('/internal/inventory/reservations/expire-2/commit'), 409);
    expect(gone.type).toBe('https://ha-shop.dev/problems/out-of-stock');
  });

  it('sweeps safely with several replicas: each expired unit is returned exactly once', async () => {
    await product('sweep-item', [{ sku: 'SWP-1', stock: 40 }]);
    const replica = await ctx.replica({
      INTERNAL_TOKEN,
      SWEEPER_INTERVAL_MS: '100',
      SWEEPER_BATCH_SIZE: '3',
    });
    const replicaApi = apiClient(replica.url);
    const made = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? ctx.api : replicaApi).post(
          '/internal/inventory/reservations',
          { reservationKey: `sweep-${i}`, items: [{ sku: 'SWP-1', quantity: 1 }], ttlSeconds: 1 },
          { headers: internalHeaders },
        ),
      ),
    );
    expect(made.every((r) => r.status === 201)).toBe(true);
    await waitFor(
      async () => {
        const [{ n }] = await sql<{ n: number }>(
          ctx.db,
          `SELECT count(*)::int AS n FROM reservation WHERE reservation_key LIKE 'sweep-%' AND status = 'expired'`,
        );
        return n === 30 ? true : undefined;
      },
      { timeoutMs: 15_000, what: 'all 30 sweep reservations to expire' },
    );
    expect(await stockOf(ctx.db, 'SWP-1')).toEqual({ available: 40, reserved: 0, sold: 0 });
    const events = await sql<{ n: number }>(
      ctx.db,
      `SELECT count(*)::int AS n FROM outbox_event WHERE type = 'inventory.released' AND aggregate_id LIKE 'sweep-%' AND payload->>'reason' = 'expired'`,
    );
    expect(events[0].n).toBe(30);
  });

  it('answers authoritative prices and availability for checkout', async () => {
    await product('priced-item', [
      { sku: 'PRC-1', stock: 2, price: 1999 },
      { sku: 'PRC-2', stock: 0, price: 2999 },
    ]);
    const res = await post('/internal/prices', { skus: ['PRC-2', 'NOPE-9', 'PRC-1'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        expect.objectContaining({
          sku: 'PRC-2',
          price: 2999,
          currency: 'EUR',
          available: 0,
          inStock: false,
          active: true,
          name: 'priced item',
          productSlug: 'priced-item',
        }),
        expect.objectContaining({
          sku: 'PRC-1',
          price: 1999,
          currency: 'EUR',
          available: 2,
          inStock: true,
          options: {},
        }),
      ],
      missing: ['NOPE-9'],
    });
    expectProblem(await post('/internal/prices', { skus: [] }), 400);
    expectProblem(await post('/internal/prices', { skus: ['A', 'A'] }), 400);
  });
});
