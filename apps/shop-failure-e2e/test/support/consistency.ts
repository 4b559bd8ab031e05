// The saga's end state, read behind the APIs from both databases: checkout's orders and
// product-service's reservations and stock must tell the same story.
import { waitFor } from '@ha-shop/testkit';
import { failureWait } from './load';
import type { Shop } from './shop';

interface OrderRow {
  id: string;
  status: string;
  reservation_key: string;
  reservation_status: string;
  lines: Array<{ sku: string; quantity: number }>;
}

interface ReservationRow {
  reservation_key: string;
  status: 'reserved' | 'committed' | 'released' | 'expired';
}

interface StockRow {
  sku: string;
  available: number;
  reserved: number;
  sold: number;
}

export interface Ledger {
  orders: OrderRow[];
  reservations: ReservationRow[];
  stock: StockRow[];
}

export async function readLedger(shop: Shop): Promise<Ledger> {
  const [orders, reservations, stock] = await Promise.all([
    shop.sql<OrderRow>(
      'checkout-service',
      'SELECT id, status, reservation_key, reservation_status, lines FROM orders ORDER BY created_at',
    ),
    shop.sql<ReservationRow>('product-service', 'SELECT reservation_key, status FROM reservation'),
    shop.sql<StockRow>('product-service', 'SELECT sku, available, reserved, sold FROM stock'),
  ]);
  return { orders, reservations, stock };
}

const SOLD = ['PAID', 'FULFILLED', 'REFUNDED'];
const GIVEN_UP = ['CANCELLED', 'PAYMENT_FAILED'];

/**
 * Everything that would make an order "half done", as readable lines (empty when consistent):
 * - a reservation still holding stock (reserved or committed) without an order;
 * - an order without a reservation, a paid order whose stock is not committed, a given-up order
 *   whose stock is still held, an order still waiting for payment;
 * - stock that does not add up: for each SKU, available + reserved + sold = what was stocked,
 *   nothing reserved, and sold = the units of paid orders.
 */
export function halfDone(ledger: Ledger, stocked: Record<string, number>): string[] {
  const problems: string[] = [];
  const byKey = new Map(ledger.reservations.map((r) => [r.reservation_key, r]));
  const orderKeys = new Set(ledger.orders.map((o) => o.reservation_key));
  for (const r of ledger.reservations) {
    if ((r.status === 'reserved' || r.status === 'committed') && !orderKeys.has(r.reservation_key)) {
      problems.push(`reservation ${r.reservation_key} is ${r.status} but has no order`);
    }
  }
  const soldUnits = new Map<string, number>();
  for (const o of ledger.orders) {
    const r = byKey.get(o.reservation_key);
    if (!r) problems.push(`order ${o.id} (${o.status}) has no reservation`);
    else if (SOLD.includes(o.status) && r.status !== 'committed')
      problems.push(`order ${o.id} is ${o.status} but its reservation is ${r.status}`);
    else if (GIVEN_UP.includes(o.status) && (r.status === 'reserved' || r.status === 'committed'))
      problems.push(`order ${o.id} is ${o.status} but its reservation is ${r.status}`);
    if (o.status === 'PENDING_PAYMENT') problems.push(`order ${o.id} is still PENDING_PAYMENT`);
    if (o.reservation_status === 'reserved' && o.status !== 'PENDING_PAYMENT')
      problems.push(`order ${o.id} (${o.status}) still records its stock as reserved`);
    if (SOLD.includes(o.status))
      for (const l of o.lines) soldUnits.set(l.sku, (soldUnits.get(l.sku) ?? 0) + l.quantity);
  }
  for (const [sku, units] of Object.entries(stocked)) {
    const s = ledger.stock.find((x) => x.sku === sku);
    if (!s) {
      problems.push(`no stock row for ${sku}`);
      continue;
    }
    if (s.available + s.reserved + s.sold !== units)
      problems.push(`${sku}: available ${s.available} + reserved ${s.reserved} + sold ${s.sold} != ${units}`);
    if (s.reserved !== 0) problems.push(`${sku}: ${s.reserved} units still reserved`);
    if (s.sold !== (soldUnits.get(sku) ?? 0))
      problems.push(`${sku}: sold ${s.sold} but paid orders hold ${soldUnits.get(sku) ?? 0}`);
  }
  return problems;
}

/**
 * Waits (up to 45 s, while the workers and sweepers finish) until `halfDone` finds nothing, and
 * returns what it found last: empty when the databases came to agree.
 */
export async function settledProblems(shop: Shop, stocked: Record<string, number>): Promise<string[]> {
  let problems: string[] = [];
  await waitFor(
    async () => (problems = halfDone(await readLedger(shop), stocked)).length === 0,
    failureWait('both databases to agree', 45_000, 500),
  ).catch(() => undefined);
  return problems;
}
