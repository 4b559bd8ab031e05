import { ProblemException } from '@ha-shop/service-kit';
import { EntityManager } from 'typeorm';
import { ReservationItem, ReservationRow } from './reservation.entity';

// The only SQL that writes the reservation table; ReservationService decides when.

/**
 * Inserts the reservation with each item's current price, currency, name, options and whether
 * it is on sale, read in the same statement. Undefined when the key exists already (a concurrent
 * insert of the same key makes this wait for that transaction, then see its row).
 */
export async function insertPriced(
  m: EntityManager,
  key: string,
  items: ReservationItem[],
  ttlSeconds: number,
): Promise<ReservationRow | undefined> {
  // The CTE keeps the joins' ON apart from ON CONFLICT; ord keeps the canonical (SKU) order.
  const [row]: ReservationRow[] = await m.query(
    `WITH priced AS (
       SELECT jsonb_agg(i.item || jsonb_build_object(
                'price', v.price, 'currency', v.currency, 'name', p.name, 'options', v.options,
                'active', p.status = 'active') ORDER BY i.ord) AS items
         FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS i(item, ord)
         LEFT JOIN product_variant v ON v.sku = i.item->>'sku'
         LEFT JOIN product p ON p.id = v.product_id)
     INSERT INTO reservation (reservation_key, status, items, expires_at)
     SELECT $1, 'reserved', priced.items, now() + make_interval(secs => $3) FROM priced
     ON CONFLICT (reservation_key) DO NOTHING RETURNING *`,
    [key, JSON.stringify(items), ttlSeconds],
  );
  return row;
}

/**
 * A release that arrives before its reservation (the caller gave up on a slow reserve and
 * compensated at once) leaves a released row without items, so the late reserve finds its key
 * taken instead of holding stock until its TTL. Undefined when the key exists.
 */
export async function insertTombstone(m: EntityManager, key: string): Promise<ReservationRow | undefined> {
  const [row]: ReservationRow[] = await m.query(
    `INSERT INTO reservation (reservation_key, status, items, expires_at, released_at)
     VALUES ($1, 'released', '[]'::jsonb, now(), now())
     ON CONFLICT (reservation_key) DO NOTHING RETURNING *`,
    [key],
  );
  return row;
}

/** A released row without items: what insertTombstone leaves, never a reservation that held stock. */
export function isTombstone(row: ReservationRow): boolean {
  return row.status === 'released' && row.items.length === 0;
}

export async function findReservation(m: EntityManager, key: string, lock: boolean): Promise<ReservationRow> {
  const [row]: ReservationRow[] = await m.query(
    `SELECT * FROM reservation WHERE reservation_key = $1${lock ? ' FOR UPDATE' : ''}`,
    [key],
  );
  if (!row) throw new ProblemException(404, 'reservation-not-found', `No reservation with key ${key}.`);
  return row;
}

/** Marks a reservation that is still 'reserved' committed or released; undefined when it is not (or missing). */
export async function settleReserved(
  m: EntityManager,
  key: string,
  status: 'committed' | 'released',
): Promise<ReservationRow | undefined> {
  const column = status === 'committed' ? 'committed_at' : 'released_at';
  const [rows]: [ReservationRow[], number] = await m.query(
    `UPDATE reservation SET status = $2, ${column} = now(), updated_at = now()
      WHERE reservation_key = $1 AND status = 'reserved' RETURNING *`,
    [key, status],
  );
  return rows[0];
}

export async function setStatus(
  m: EntityManager,
  key: string,
  status: 'committed' | 'released',
): Promise<ReservationRow> {
  const column = status === 'committed' ? 'committed_at' : 'released_at';
  const [[row]]: [ReservationRow[], number] = await m.query(
    `UPDATE reservation SET status = $2, ${column} = now(), updated_at = now() WHERE reservation_key = $1 RETURNING *`,
    [key, status],
  );
  return row;
}

/**
 * Expires up to `batchSize` due reservations. SKIP LOCKED lets several replicas sweep at once
 * without waiting on (or double counting) each other, and skips reservations a commit/release
 * is working on.
 */
export async function expireDue(
  m: EntityManager,
  batchSize: number,
): Promise<Array<{ reservation_key: string; items: ReservationItem[] }>> {
  const [expired]: [Array<{ reservation_key: string; items: ReservationItem[] }>, number] = await m.query(
    `UPDATE reservation SET status = 'expired', released_at = now(), updated_at = now()
      WHERE status = 'reserved' AND reservation_key IN (
            SELECT reservation_key FROM reservation
             WHERE status = 'reserved' AND expires_at <= now()
             ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING reservation_key, items`,
    [batchSize],
  );
  return expired;
}
