import { ProblemException } from '@ha-shop/service-kit';
import { EntityManager } from 'typeorm';
import { ReservationItem } from './reservation.entity';

// The stock side of reservations: every change is one guarded UPDATE per SKU, in SKU order.

/** Sorted by SKU: the lock order, and the stored form a replay is compared with. */
export function canonical(items: ReservationItem[]): ReservationItem[] {
  return items
    .map((i) => ({ sku: i.sku, quantity: i.quantity }))
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

/** Takes units from `available` (into `reserved` or straight to `sold`); returns the items that could not be taken. */
export async function takeStock(
  m: EntityManager,
  items: ReservationItem[],
  into: 'reserved' | 'sold',
): Promise<ReservationItem[]> {
  const short: ReservationItem[] = [];
  for (const item of canonical(items)) {
    const [rows]: [unknown[], number] = await m.query(
      `UPDATE stock SET available = available - $2, ${into} = ${into} + $2, updated_at = now()
        WHERE sku = $1 AND available >= $2 RETURNING available`,
      [item.sku, item.quantity],
    );
    if (rows.length === 0) short.push(item);
  }
  return short;
}

/** Moves units out of `reserved`; the CHECK constraint turns any bookkeeping bug into an error, not bad stock. */
export async function moveReserved(
  m: EntityManager,
  items: ReservationItem[],
  to: 'available' | 'sold',
): Promise<void> {
  for (const item of canonical(items)) {
    await m.query(
      `UPDATE stock SET reserved = reserved - $2, ${to} = ${to} + $2, updated_at = now() WHERE sku = $1`,
      [item.sku, item.quantity],
    );
  }
}

export async function throwShortage(
  m: EntityManager,
  short: ReservationItem[],
  detail?: string,
): Promise<never> {
  const found: Array<{ sku: string; available: number }> = await m.query(
    'SELECT sku, available FROM stock WHERE sku = ANY($1::text[])',
    [short.map((s) => s.sku)],
  );
  const available = new Map(found.map((f) => [f.sku, f.available]));
  const unknown = short.filter((s) => !available.has(s.sku)).map((s) => s.sku);
  if (unknown.length > 0) {
    throw new ProblemException(422, 'unknown-sku', `Unknown SKU: ${unknown.join(', ')}.`, { skus: unknown });
  }
  throw new ProblemException(
    409,
    'out-of-stock',
    detail ?? `Not enough stock for: ${short.map((s) => s.sku).join(', ')}.`,
    {
      skus: short.map((s) => s.sku),
      items: short.map((s) => ({ sku: s.sku, requested: s.quantity, available: available.get(s.sku) ?? 0 })),
    },
  );
}
