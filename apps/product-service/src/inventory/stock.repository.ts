import { EntityManager } from 'typeorm';
import { ReservationItem } from './reservation.entity';

// The only SQL that writes `stock`. Reservation moves are one guarded UPDATE per SKU, in SKU order:
// stock cannot go negative however many requests race, and multi-item moves cannot deadlock.

export interface StockLevel {
  sku: string;
  available: number;
  reserved: number;
  sold: number;
}

const COLUMNS = 'sku, available, reserved, sold';

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

/** Available units per SKU; a SKU without stock (unknown) is missing from the map. */
export async function availableOf(m: EntityManager, skus: string[]): Promise<Map<string, number>> {
  const found: Array<{ sku: string; available: number }> = await m.query(
    'SELECT sku, available FROM stock WHERE sku = ANY($1::text[])',
    [skus],
  );
  return new Map(found.map((f) => [f.sku, f.available]));
}

/** The stock rows of new variants, in the transaction that creates them. */
export async function insertStock(
  m: EntityManager,
  rows: Array<{ sku: string; stock: number }>,
): Promise<void> {
  await m.query(
    `INSERT INTO stock (sku, available) SELECT x.sku, x.stock FROM jsonb_to_recordset($1::jsonb) AS x(sku text, stock int)`,
    [JSON.stringify(rows)],
  );
}

/** `forUpdate`: locked until the transaction ends. */
export async function findStock(
  m: EntityManager,
  sku: string,
  forUpdate = false,
): Promise<StockLevel | undefined> {
  const [level]: StockLevel[] = await m.query(
    `SELECT ${COLUMNS} FROM stock WHERE sku = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [sku],
  );
  return level;
}

/** Adds `delta` (negative: removes) to available; undefined when the SKU is unknown or it would go below zero. */
export function addAvailable(m: EntityManager, sku: string, delta: number): Promise<StockLevel | undefined> {
  return updatedRow(
    m,
    `UPDATE stock SET available = available + $2, updated_at = now()
      WHERE sku = $1 AND available + $2 >= 0 RETURNING ${COLUMNS}`,
    [sku, delta],
  );
}

export function setAvailable(
  m: EntityManager,
  sku: string,
  quantity: number,
): Promise<StockLevel | undefined> {
  return updatedRow(
    m,
    `UPDATE stock SET available = $2, updated_at = now() WHERE sku = $1 RETURNING ${COLUMNS}`,
    [sku, quantity],
  );
}

/** TypeORM answers an UPDATE with `[rows, count]`. */
async function updatedRow(
  m: EntityManager,
  text: string,
  params: unknown[],
): Promise<StockLevel | undefined> {
  const [rows] = (await m.query(text, params)) as [StockLevel[], number];
  return rows[0];
}
