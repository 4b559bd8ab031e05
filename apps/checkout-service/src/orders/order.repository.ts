import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OrderStatus } from './order.state-machine';

export interface OrderLine {
  sku: string;
  name: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  region?: string;
  country: string;
  phone?: string;
}

export type ReservationStatus = 'reserved' | 'committed' | 'released';

export interface OrderRow {
  id: string;
  userId: string | null;
  email: string | null;
  cartId: string;
  status: OrderStatus;
  version: number;
  currency: string;
  subtotal: number;
  shipping: number;
  total: number;
  lines: OrderLine[];
  shippingAddress: ShippingAddress;
  reservationKey: string;
  reservationStatus: ReservationStatus;
  paymentKey: string;
  paymentId: string | null;
  declineCode: string | null;
  cancelReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewOrder {
  id: string;
  userId: string | null;
  email: string | null;
  cartId: string;
  currency: string;
  subtotal: number;
  shipping: number;
  total: number;
  lines: OrderLine[];
  shippingAddress: ShippingAddress;
  reservationKey: string;
  paymentKey: string;
}

// bigint money columns as float8: exact up to 2^53 minor units, and a JS number rather than a string.
export const ORDER_COLUMNS = `o.id, o.user_id AS "userId", o.email, o.cart_id AS "cartId", o.status, o.version, o.currency,
  o.subtotal::float8 AS subtotal, o.shipping::float8 AS shipping, o.total::float8 AS total, o.lines,
  o.shipping_address AS "shippingAddress", o.reservation_key AS "reservationKey", o.reservation_status AS "reservationStatus",
  o.payment_key AS "paymentKey", o.payment_id AS "paymentId", o.decline_code AS "declineCode",
  o.cancel_reason AS "cancelReason", o.created_at AS "createdAt", o.updated_at AS "updatedAt"`;

export interface OrderPageQuery {
  userId?: string;
  status?: OrderStatus;
  /** Keyset position: strictly older than this (created_at, id). */
  before?: { createdAt: string; id: string };
  limit: number;
}

@Injectable()
export class OrderRepository {
  constructor(private readonly ds: DataSource) {}

  async find(id: string, m: EntityManager = this.ds.manager): Promise<OrderRow | undefined> {
    const rows: OrderRow[] = await m.query(`SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = $1`, [id]);
    return rows[0];
  }

  async findForUpdate(m: EntityManager, id: string): Promise<OrderRow | undefined> {
    const rows: OrderRow[] = await m.query(
      `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0];
  }

  async insert(m: EntityManager, o: NewOrder): Promise<OrderRow> {
    const rows: OrderRow[] = await m.query(
      `INSERT INTO orders AS o (id, user_id, email, cart_id, status, currency, subtotal, shipping, total, lines, shipping_address,
                               reservation_key, payment_key)
       VALUES ($1, $2, $3, $4, 'PENDING_PAYMENT', $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11, $12)
       RETURNING ${ORDER_COLUMNS}`,
      [
        o.id,
        o.userId,
        o.email,
        o.cartId,
        o.currency,
        o.subtotal,
        o.shipping,
        o.total,
        JSON.stringify(o.lines),
        JSON.stringify(o.shippingAddress),
        o.reservationKey,
        o.paymentKey,
      ],
    );
    return rows[0];
  }

  /** Newest first, keyset-paged; one extra row tells whether there is a next page. */
  async page(q: OrderPageQuery): Promise<OrderRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.userId) {
      params.push(q.userId);
      where.push(`o.user_id = $${params.length}`);
    }
    if (q.status) {
      params.push(q.status);
      where.push(`o.status = $${params.length}`);
    }
    if (q.before) {
      params.push(q.before.createdAt, q.before.id);
      where.push(`(o.created_at, o.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(q.limit + 1);
    return this.ds.query(
      `SELECT ${ORDER_COLUMNS} FROM orders o ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY o.created_at DESC, o.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Asks the worker to settle the order's reservation soon (the saga's own attempt failed). */
  async scheduleStockSync(id: string, inMs: number): Promise<void> {
    await this.ds.query('UPDATE orders SET stock_sync_at = now() + make_interval(secs => $2) WHERE id = $1', [
      id,
      inMs / 1000,
    ]);
  }

  /** Records where the reservation now stands, unless someone already settled it. */
  async setReservationStatus(id: string, status: ReservationStatus): Promise<void> {
    await this.ds.query(
      `UPDATE orders SET reservation_status = $2 WHERE id = $1 AND reservation_status = 'reserved'`,
      [id, status],
    );
  }
}
