import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OrderStatus } from './order.state-machine';
import { backoffInterval } from './backoff-interval';
import { NewOrder, OrderRow, ReservationStatus } from './order.row';

// bigint money columns as float8: exact up to 2^53 minor units, and a JS number rather than a string.
const ORDER_COLUMNS = `o.id, o.user_id AS "userId", o.email, o.cart_id AS "cartId", o.status, o.version, o.currency,
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

/** One compare-and-set status change: applied only while the order is still `from`. */
export interface StatusChange {
  id: string;
  from: OrderStatus;
  to: OrderStatus;
  paymentId?: string;
  declineCode?: string;
  reason?: string;
  /** A cancel from PENDING_PAYMENT asks the cancelled-charge sweep about charges after this long. */
  reconcileAfterSeconds: number;
}

/** A finished order whose reservation is still 'reserved', claimed for a while by one recovery pass. */
export interface UnsettledStock {
  id: string;
  status: OrderStatus;
  reservationKey: string;
}

/** The only SQL for `orders`; statements that belong to a wider transaction take its EntityManager. */
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

  /**
   * The new order, or undefined when an order with its id exists (a retry that took over the
   * key of a request that got this far): a concurrent insert of the same id waits for that
   * transaction, so afterwards the caller finds the row.
   */
  async insertIfAbsent(m: EntityManager, o: NewOrder): Promise<OrderRow | undefined> {
    const rows: OrderRow[] = await m.query(
      `INSERT INTO orders AS o (id, user_id, email, cart_id, status, currency, subtotal, shipping, total, lines, shipping_address,
                               reservation_key, payment_key)
       VALUES ($1, $2, $3, $4, 'PENDING_PAYMENT', $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11, $12)
       ON CONFLICT (id) DO NOTHING
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

  async exists(id: string, m: EntityManager = this.ds.manager): Promise<boolean> {
    const rows: unknown[] = await m.query('SELECT 1 FROM orders WHERE id = $1', [id]);
    return rows.length > 0;
  }

  async existsForCart(m: EntityManager, id: string, cartId: string): Promise<boolean> {
    const rows: unknown[] = await m.query('SELECT 1 FROM orders WHERE id = $1 AND cart_id = $2', [
      id,
      cartId,
    ]);
    return rows.length > 0;
  }

  /** Undefined when the order is no longer `from` (or, to FULFILLED, a refund is under way). */
  async changeStatus(m: EntityManager, c: StatusChange): Promise<OrderRow | undefined> {
    // A fulfil must not slip in while an admin refund is under way (the money would be back, the goods gone).
    const notRefunding = c.to === 'FULFILLED' ? 'AND o.refund_requested_at IS NULL' : '';
    const [rows] = (await m.query(
      `UPDATE orders o SET status = $3, version = o.version + 1, updated_at = now(),
              payment_id = coalesce($4, o.payment_id), decline_code = coalesce($5, o.decline_code),
              cancel_reason = coalesce($6, o.cancel_reason),
              -- The saga settles stock right after this; the worker only steps in if it did not.
              stock_sync_at = now() + interval '15 seconds',
              -- Cancelled while a charge may exist or still land: the sweep asks payment-service
              -- once any charge in flight has had its time (CancelledChargeSweeper).
              payment_reconcile_at = CASE WHEN $2::varchar = 'PENDING_PAYMENT' AND $3::varchar = 'CANCELLED'
                THEN now() + make_interval(secs => $7) ELSE o.payment_reconcile_at END
        WHERE o.id = $1 AND o.status = $2 ${notRefunding}
        RETURNING ${ORDER_COLUMNS}`,
      [
        c.id,
        c.from,
        c.to,
        c.paymentId ?? null,
        c.declineCode ?? null,
        c.reason ?? null,
        c.reconcileAfterSeconds,
      ],
    )) as [OrderRow[], number];
    return rows[0];
  }

  /**
   * Marks an admin refund as under way while the order is still PAID, so no fulfil lands between
   * the refund at payment-service and REFUNDED. False when the order is no longer PAID.
   */
  async markRefundRequested(id: string): Promise<boolean> {
    const [, marked] = (await this.ds.query(
      `UPDATE orders SET refund_requested_at = coalesce(refund_requested_at, now()) WHERE id = $1 AND status = 'PAID'`,
      [id],
    )) as [unknown, number];
    return marked === 1;
  }

  async clearRefundRequested(id: string): Promise<void> {
    await this.ds.query('UPDATE orders SET refund_requested_at = NULL WHERE id = $1', [id]);
  }

  /** Claims (for `retrySeconds`, SKIP LOCKED) finished orders whose reservation is still 'reserved'. */
  async claimUnsettledStock(limit: number, retrySeconds: number): Promise<UnsettledStock[]> {
    const [rows] = (await this.ds.query(
      `UPDATE orders SET stock_sync_at = now() + make_interval(secs => $2)
        WHERE id IN (SELECT id FROM orders
                      WHERE reservation_status = 'reserved' AND status <> 'PENDING_PAYMENT' AND stock_sync_at <= now()
                      ORDER BY stock_sync_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, status, reservation_key AS "reservationKey"`,
      [limit, retrySeconds],
    )) as [UnsettledStock[], number];
    return rows;
  }

  /** Claims (for `leaseSeconds`, SKIP LOCKED) cancelled orders due to be checked for a standing charge. */
  async claimChargesToReconcile(
    limit: number,
    leaseSeconds: number,
  ): Promise<Array<{ id: string; attempts: number }>> {
    const [rows] = (await this.ds.query(
      `UPDATE orders SET payment_reconcile_at = now() + make_interval(secs => $2),
              payment_reconcile_attempts = payment_reconcile_attempts + 1
        WHERE id IN (SELECT id FROM orders
                      WHERE payment_reconcile_at <= now() AND status = 'CANCELLED'
                      ORDER BY payment_reconcile_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, payment_reconcile_attempts AS attempts`,
      [limit, leaseSeconds],
    )) as [Array<{ id: string; attempts: number }>, number];
    return rows;
  }

  async markChargesReconciled(id: string): Promise<void> {
    await this.ds.query('UPDATE orders SET payment_reconcile_at = NULL WHERE id = $1', [id]);
  }

  /** The next check for a standing charge, after the backoff on `attempts`. */
  async rescheduleChargeReconcile(
    id: string,
    attempts: number,
    baseMs: number,
    maxMs: number,
  ): Promise<void> {
    await this.ds.query(
      `UPDATE orders SET payment_reconcile_at = now() + ${backoffInterval('$4::int', '$2', '$3')}
        WHERE id = $1`,
      [id, baseMs, maxMs, attempts],
    );
  }
}
