import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type CartStatus = 'active' | 'checked_out' | 'merged' | 'deleted';

export interface CartRow {
  id: string;
  userId: string | null;
  tokenHash: Buffer | null;
  status: CartStatus;
  version: number;
  mergedInto: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CartItemRow {
  sku: string;
  quantity: number;
  name: string;
  unitPrice: number;
  currency: string;
  available: boolean;
  pricedAt: Date;
  addedAt: Date;
}

/** A fresh price/name read for one SKU, stored as the line's snapshot. */
export interface ItemSnapshot {
  sku: string;
  name: string;
  unitPrice: number;
  currency: string;
  available: boolean;
}

const CART_COLUMNS = `id, user_id AS "userId", token_hash AS "tokenHash", status, version, merged_into AS "mergedInto",
  created_at AS "createdAt", updated_at AS "updatedAt"`;
const ITEM_COLUMNS = `sku, quantity, name, unit_price AS "unitPrice", currency, available, priced_at AS "pricedAt", added_at AS "addedAt"`;

export const MAX_LINES = 50;
export const MAX_LINE_QUANTITY = 10;

/** The only SQL for `cart` and `cart_item`. Every change that guards an invariant is one statement or runs on a locked cart row. */
@Injectable()
export class CartRepository {
  constructor(private readonly ds: DataSource) {}

  async find(id: string, m: EntityManager = this.ds.manager): Promise<CartRow | undefined> {
    const rows: CartRow[] = await m.query(`SELECT ${CART_COLUMNS} FROM cart WHERE id = $1`, [id]);
    return rows[0];
  }

  /** The cart and the SKUs of its lines, in one statement: what an add needs before pricing. */
  async findWithSkus(id: string): Promise<{ cart: CartRow; skus: string[] } | undefined> {
    const rows: Array<CartRow & { skus: string[] }> = await this.ds.query(
      `SELECT ${CART_COLUMNS}, array(SELECT sku FROM cart_item i WHERE i.cart_id = cart.id ORDER BY added_at, sku) AS skus
         FROM cart WHERE id = $1`,
      [id],
    );
    if (!rows[0]) return undefined;
    const { skus, ...cart } = rows[0];
    return { cart, skus };
  }

  async items(cartId: string, m: EntityManager = this.ds.manager): Promise<CartItemRow[]> {
    return m.query(`SELECT ${ITEM_COLUMNS} FROM cart_item WHERE cart_id = $1 ORDER BY added_at, sku`, [
      cartId,
    ]);
  }

  async insertGuest(id: string, tokenHash: Buffer): Promise<CartRow> {
    const rows: CartRow[] = await this.ds.query(
      `INSERT INTO cart (id, token_hash) VALUES ($1, $2) RETURNING ${CART_COLUMNS}`,
      [id, tokenHash],
    );
    return rows[0];
  }

  /** The customer's one active cart, created when missing. `created` tells which. */
  async activeForUser(
    userId: string,
    newId: string,
    m: EntityManager = this.ds.manager,
  ): Promise<{ cart: CartRow; created: boolean }> {
    const inserted: CartRow[] = await m.query(
      `INSERT INTO cart (id, user_id) VALUES ($1, $2)
       ON CONFLICT (user_id) WHERE status = 'active' AND user_id IS NOT NULL DO NOTHING
       RETURNING ${CART_COLUMNS}`,
      [newId, userId],
    );
    if (inserted[0]) return { cart: inserted[0], created: true };
    const rows: CartRow[] = await m.query(
      `SELECT ${CART_COLUMNS} FROM cart WHERE user_id = $1 AND status = 'active'`,
      [userId],
    );
    if (!rows[0]) throw new Error('active cart vanished between insert and select');
    return { cart: rows[0], created: false };
  }

  /** Locks an active cart for a change of its lines and bumps its version; undefined if not active. */
  async lockActive(m: EntityManager, id: string): Promise<CartRow | undefined> {
    const rows: [CartRow[], number] = await m.query(
      `UPDATE cart SET version = version + 1, updated_at = now() WHERE id = $1 AND status = 'active' RETURNING ${CART_COLUMNS}`,
      [id],
    );
    return rows[0][0];
  }

  async lockAny(m: EntityManager, id: string): Promise<CartRow | undefined> {
    const rows: CartRow[] = await m.query(`SELECT ${CART_COLUMNS} FROM cart WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0];
  }

  /** Holds off changes of the lines (which lock the cart row) until the caller's transaction ends. */
  async lockShared(m: EntityManager, id: string): Promise<CartRow | undefined> {
    const rows: CartRow[] = await m.query(`SELECT ${CART_COLUMNS} FROM cart WHERE id = $1 FOR SHARE`, [id]);
    return rows[0];
  }

  /** Adds to a line and returns it, refusing (undefined) when it would exceed the per-line maximum. */
  async addToLine(
    m: EntityManager,
    cartId: string,
    item: ItemSnapshot,
    quantity: number,
  ): Promise<CartItemRow | undefined> {
    const rows: CartItemRow[] = await m.query(
      `INSERT INTO cart_item (cart_id, sku, quantity, name, unit_price, currency, available)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (cart_id, sku) DO UPDATE
         SET quantity = cart_item.quantity + EXCLUDED.quantity, name = EXCLUDED.name, unit_price = EXCLUDED.unit_price,
             currency = EXCLUDED.currency, available = EXCLUDED.available, priced_at = now()
         WHERE cart_item.quantity + EXCLUDED.quantity <= ${MAX_LINE_QUANTITY}
       RETURNING ${ITEM_COLUMNS}`,
      [cartId, item.sku, quantity, item.name, item.unitPrice, item.currency, item.available],
    );
    return rows[0];
  }

  async setQuantity(m: EntityManager, cartId: string, sku: string, quantity: number): Promise<boolean> {
    const rows: [unknown[], number] = await m.query(
      'UPDATE cart_item SET quantity = $3 WHERE cart_id = $1 AND sku = $2 RETURNING sku',
      [cartId, sku, quantity],
    );
    return rows[1] > 0;
  }

  async removeLine(m: EntityManager, cartId: string, sku: string): Promise<boolean> {
    const rows: [unknown[], number] = await m.query(
      'DELETE FROM cart_item WHERE cart_id = $1 AND sku = $2 RETURNING sku',
      [cartId, sku],
    );
    return rows[1] > 0;
  }

  /** Refreshes line snapshots whose price, name or availability changed; one statement for all lines. */
  async updateSnapshots(
    cartId: string,
    snapshots: ItemSnapshot[],
    m: EntityManager = this.ds.manager,
  ): Promise<void> {
    if (snapshots.length === 0) return;
    await m.query(
      `UPDATE cart_item c SET name = s.name, unit_price = s.unit_price, currency = s.currency, available = s.available, priced_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS s(sku text, name text, unit_price int, currency text, available boolean)
       WHERE c.cart_id = $1 AND c.sku = s.sku
         AND (c.name, c.unit_price, c.currency, c.available) IS DISTINCT FROM (s.name, s.unit_price, s.currency::char(3), s.available)`,
      [
        cartId,
        JSON.stringify(
          snapshots.map((s) => ({
            sku: s.sku,
            name: s.name,
            unit_price: s.unitPrice,
            currency: s.currency,
            available: s.available,
          })),
        ),
      ],
    );
  }

  async markUnavailable(cartId: string, skus: string[], m: EntityManager = this.ds.manager): Promise<void> {
    if (skus.length === 0) return;
    await m.query(
      'UPDATE cart_item SET available = false, priced_at = now() WHERE cart_id = $1 AND sku = ANY($2) AND available',
      [cartId, skus],
    );
  }

  async setStatus(m: EntityManager, id: string, from: CartStatus[], to: CartStatus): Promise<boolean> {
    const rows: [unknown[], number] = await m.query(
      'UPDATE cart SET status = $3, updated_at = now() WHERE id = $1 AND status = ANY($2) RETURNING id',
      [id, from, to],
    );
    return rows[1] > 0;
  }

  /** Claims the cart for an order, if it is still active at the version that was priced. */
  async checkOut(m: EntityManager, id: string, version: number): Promise<boolean> {
    const [, claimed] = (await m.query(
      `UPDATE cart SET status = 'checked_out', version = version + 1, updated_at = now()
        WHERE id = $1 AND status = 'active' AND version = $2`,
      [id, version],
    )) as [unknown, number];
    return claimed === 1;
  }

  /** Gives a checked-out cart back (its order failed), unless its customer already started a new one. */
  async reopen(m: EntityManager, id: string): Promise<void> {
    await m.query(
      `UPDATE cart c SET status = 'active', version = c.version + 1, updated_at = now()
        WHERE c.id = $1 AND c.status = 'checked_out'
          AND (c.user_id IS NULL OR NOT EXISTS (SELECT 1 FROM cart o WHERE o.user_id = c.user_id AND o.status = 'active'))`,
      [id],
    );
  }

  async markMerged(m: EntityManager, id: string, into: string): Promise<void> {
    await m.query(`UPDATE cart SET status = 'merged', merged_into = $2, updated_at = now() WHERE id = $1`, [
      id,
      into,
    ]);
  }

  /** Distinct SKUs and currencies over the lines of several carts. */
  async lineStats(m: EntityManager, cartIds: string[]): Promise<{ lines: number; currencies: number }> {
    const [stats]: Array<{ lines: number; currencies: number }> = await m.query(
      `SELECT count(DISTINCT sku)::int AS lines, count(DISTINCT currency)::int AS currencies
         FROM cart_item WHERE cart_id = ANY($1)`,
      [cartIds],
    );
    return stats;
  }

  /** Copies one cart's lines into another; quantities of a SKU in both add up to the per-line maximum. */
  async copyLines(m: EntityManager, from: string, to: string): Promise<void> {
    await m.query(
      `INSERT INTO cart_item (cart_id, sku, quantity, name, unit_price, currency, available, priced_at, added_at)
       SELECT $2, sku, quantity, name, unit_price, currency, available, priced_at, added_at FROM cart_item WHERE cart_id = $1
       ON CONFLICT (cart_id, sku) DO UPDATE SET quantity = least(${MAX_LINE_QUANTITY}, cart_item.quantity + EXCLUDED.quantity)`,
      [from, to],
    );
  }
}
