import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, sql } from '@ha-shop/testkit';
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

// Issue 16 item 3: checkout prices the order from the reservation's answer, so the reserve
// reads the prices in its own transaction, stores them, and refuses what is not on sale.
describe('reservation answers with the prices it was made at', () => {
  let ctx: ProductService;
  const { post, reserve } = internalRoutes(() => ctx);
  const setPrice = async (productId: string, sku: string, price: number) => {
    const res = await ctx.api.patch(
      `/admin/products/${productId}`,
      { variants: [{ sku, price }] },
      { token: ctx.adminToken },
    );
    expect(res.status).toBe(200);
  };
  const product = (
    slug: string,
    variants: Array<{ sku: string; price: number; options?: Record<string, string> }>,
  ) =>
    createProduct(ctx, {
      slug,
      name: slug.replace(/-/g, ' '),
      categorySlug: 'rp',
      variants: variants.map((v) => ({ ...v, stock: 5 })),
    });

  beforeAll(async () => {
    ctx = await startProductService({ env: { INTERNAL_TOKEN } });
    await createCategory(ctx, 'rp', 'Reservation prices');
  });
  afterAll(() => ctx?.close());

  it('answers each line with its price, and a replay with the same prices after a price change', async () => {
    const { id } = await product('priced-mug', [
      { sku: 'RPM-2', price: 1250, options: { colour: 'black' } },
      { sku: 'RPM-1', price: 990 },
    ]);
    const first = await reserve('order:rp-1', [
      { sku: 'RPM-2', quantity: 2 },
      { sku: 'RPM-1', quantity: 1 },
    ]);
    expect(first.status).toBe(201);
    expect(first.body.items).toEqual([
      {
        sku: 'RPM-1',
        quantity: 1,
        price: 990,
        currency: 'EUR',
        name: 'priced mug',
        options: {},
        active: true,
      },
      {
        sku: 'RPM-2',
        quantity: 2,
        price: 1250,
        currency: 'EUR',
        name: 'priced mug',
        options: { colour: 'black' },
        active: true,
      },
    ]);

    await setPrice(id, 'RPM-2', 1500);
    const replay = await reserve('order:rp-1', [
      { sku: 'RPM-1', quantity: 1 },
      { sku: 'RPM-2', quantity: 2 },
    ]);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    // A new reservation is made at the new price; the first one's stock moved once.
    const later = await reserve('order:rp-2', [{ sku: 'RPM-2', quantity: 1 }]);
    expect(later.body.items).toEqual([expect.objectContaining({ sku: 'RPM-2', price: 1500 })]);
    expect(await stockOf(ctx.db, 'RPM-2')).toMatchObject({ available: 2, reserved: 3 });

    // The events carry what moved, not the catalog data.
    expect((await post('/internal/inventory/reservations/order:rp-1/commit')).status).toBe(200);
    expect((await post('/internal/inventory/reservations/order:rp-2/release')).status).toBe(200);
    const [committed] = await outboxEvents(ctx.db, 'inventory.committed', 'order:rp-1');
    expect(committed.payload.items).toEqual([
      { sku: 'RPM-1', quantity: 1 },
      { sku: 'RPM-2', quantity: 2 },
    ]);
    const [released] = await outboxEvents(ctx.db, 'inventory.released', 'order:rp-2');
    expect(released.payload.items).toEqual([{ sku: 'RPM-2', quantity: 1 }]);
  });

  it('replays a reservation stored before prices were kept with the current prices, leaving it as stored', async () => {
    const { id } = await product('legacy-lamp', [{ sku: 'LGC-1', price: 4000 }]);
    // The row as the previous release wrote it: items without prices, its stock reserved.
    await sql(
      ctx.db,
      `INSERT INTO reservation (reservation_key, status, items, expires_at)
       VALUES ('order:legacy-1', 'reserved', '[{"sku":"LGC-1","quantity":2}]', now() + interval '15 minutes')`,
    );
    await sql(
      ctx.db,
      `UPDATE stock SET available = available - 2, reserved = reserved + 2 WHERE sku = 'LGC-1'`,
    );
    await setPrice(id, 'LGC-1', 4200);

    const replay = await reserve('order:legacy-1', [{ sku: 'LGC-1', quantity: 2 }]);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({
      status: 'reserved',
      items: [{ sku: 'LGC-1', quantity: 2, price: 4200, currency: 'EUR', name: 'legacy lamp', active: true }],
    });
    const stored = await ctx.api.get('/internal/inventory/reservations/order:legacy-1', {
      headers: internalHeaders,
    });
    expect(stored.body.items).toEqual([{ sku: 'LGC-1', quantity: 2 }]);
    expect(await stockOf(ctx.db, 'LGC-1')).toMatchObject({ available: 3, reserved: 2 });
  });

  it('refuses products not on sale like unknown SKUs: nothing stored, no stock moved, unknown named first', async () => {
    await createProduct(ctx, {
      slug: 'draft-desk',
      name: 'draft desk',
      categorySlug: 'rp',
      status: 'draft',
      variants: [{ sku: 'OFF-1', price: 100, stock: 5 }],
    });
    await product('on-sale-chair', [{ sku: 'ONS-1', price: 300 }]);

    const off = expectProblem(
      await reserve('order:off-1', [
        { sku: 'ONS-1', quantity: 1 },
        { sku: 'OFF-1', quantity: 1 },
      ]),
      422,
    );
    expect(off).toMatchObject({ type: 'https://ha-shop.dev/problems/sku-unavailable', skus: ['OFF-1'] });
    const unknown = expectProblem(
      await reserve('order:off-1', [
        { sku: 'OFF-1', quantity: 1 },
        { sku: 'NOPE-7', quantity: 1 },
      ]),
      422,
    );
    expect(unknown).toMatchObject({ type: 'https://ha-shop.dev/problems/unknown-sku', skus: ['NOPE-7'] });
    expect(await stockOf(ctx.db, 'OFF-1')).toMatchObject({ available: 5, reserved: 0 });
    expect(await stockOf(ctx.db, 'ONS-1')).toMatchObject({ available: 5, reserved: 0 });
    expect(await sql(ctx.db, `SELECT 1 FROM reservation WHERE reservation_key = 'order:off-1'`)).toEqual([]);
    expect(await outboxEvents(ctx.db, 'inventory.reserved', 'order:off-1')).toEqual([]);
    // The key stays free.
    expect((await reserve('order:off-1', [{ sku: 'ONS-1', quantity: 1 }])).status).toBe(201);
  });
});
