import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CheckoutEnv } from '../config/checkout.env';
import { backoffInterval } from './backoff-interval';

/** A card sealed by the card vault (checkout/card-vault.ts): what pending_payment keeps of it. */
export interface SealedCard {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** A parked payment claimed by one worker pass. */
export interface ClaimedPayment extends Partial<SealedCard> {
  orderId: string;
  /** Incremented by every claim, so it also fences the claim: only its holder reschedules the row. */
  attempts: number;
  expired: boolean;
  /** Past the deadline and the reconciliation grace: cancelled even if payment-service cannot be asked. */
  overdue: boolean;
}

/** pending_payment.last_error while an order past its deadline waits for payment-service to answer. */
export const RECONCILE_FAILED = 'reconciliation: payment-service could not be asked';

/** The next attempt's delay: base $2 and cap $3 (ms) on every statement that reschedules. */
const BACKOFF = backoffInterval('attempts', '$2', '$3');

/**
 * The only writer of `pending_payment`: a parked order's retry schedule and its sealed card.
 * `next_attempt_at` is also a lease: whoever set it last (the checkout request, a worker's
 * claim) owns the row until then, and nobody else charges, reconciles or cancels the order.
 */
@Injectable()
export class PendingPaymentRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly env: CheckoutEnv,
  ) {}

  /** With the order, in its transaction: leased to the request for `leaseMs`. */
  async insert(m: EntityManager, orderId: string, leaseMs: number): Promise<void> {
    await m.query(
      `INSERT INTO pending_payment (order_id, next_attempt_at, deadline_at)
       VALUES ($1, now() + make_interval(secs => $2), now() + make_interval(secs => $3))`,
      [orderId, leaseMs / 1000, this.env.PAYMENT_RETRY_DEADLINE_MS / 1000],
    );
  }

  /**
   * Records why the charge is parked and keeps the card for the next attempt (a card already
   * stored stays). With `holdLease` the caller still owns the row and reschedules it itself
   * when done (`reschedule`); otherwise the next attempt is due after the backoff.
   */
  async park(
    orderId: string,
    reason: string,
    card: SealedCard | undefined,
    holdLease: boolean,
  ): Promise<void> {
    await this.ds.query(
      `UPDATE pending_payment SET last_error = $4,
              next_attempt_at = CASE WHEN $9::boolean THEN next_attempt_at
                                     ELSE now() + ${BACKOFF} END,
              key_id = coalesce($5, key_id), iv = coalesce($6, iv), tag = coalesce($7, tag),
              ciphertext = coalesce($8, ciphertext)
        WHERE order_id = $1`,
      [
        orderId,
        this.env.PAYMENT_RETRY_BASE_MS,
        this.env.PAYMENT_RETRY_MAX_BACKOFF_MS,
        reason.slice(0, 200),
        card?.keyId ?? null,
        card?.iv ?? null,
        card?.tag ?? null,
        card?.ciphertext ?? null,
        holdLease,
      ],
    );
  }

  /**
   * Claims due rows in one statement (FOR UPDATE SKIP LOCKED) and leases them for `leaseSeconds`,
   * so several replicas never work on one order at once. Rows sealed with another key are only
   * claimed once past their deadline (they can then only be reconciled or cancelled).
   */
  async claimDue(keyId: string, leaseSeconds: number, graceSeconds: number): Promise<ClaimedPayment[]> {
    const [rows] = (await this.ds.query(
      `WITH due AS (
         SELECT order_id FROM pending_payment
          WHERE next_attempt_at <= now() AND (key_id = $1 OR deadline_at <= now())
          ORDER BY next_attempt_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       )
       UPDATE pending_payment p
          SET attempts = p.attempts + 1, next_attempt_at = now() + make_interval(secs => $3)
         FROM due WHERE p.order_id = due.order_id
       RETURNING p.order_id AS "orderId", p.key_id AS "keyId", p.iv, p.tag, p.ciphertext, p.attempts,
                 p.deadline_at <= now() AS expired,
                 p.deadline_at + make_interval(secs => $4) <= now() AS overdue`,
      [keyId, this.env.PAYMENT_RETRY_BATCH_SIZE, leaseSeconds, graceSeconds],
    )) as [ClaimedPayment[], number];
    return rows;
  }

  /** Ends a claim: the next attempt is due after the backoff. A no-op once another claim took the row. */
  async reschedule(orderId: string, attempts: number): Promise<void> {
    await this.ds.query(
      `UPDATE pending_payment SET next_attempt_at = now() + ${BACKOFF}
        WHERE order_id = $1 AND attempts = $4`,
      [orderId, this.env.PAYMENT_RETRY_BASE_MS, this.env.PAYMENT_RETRY_MAX_BACKOFF_MS, attempts],
    );
  }

  async markReconcileFailed(orderId: string): Promise<void> {
    await this.ds.query('UPDATE pending_payment SET last_error = $2 WHERE order_id = $1', [
      orderId,
      RECONCILE_FAILED,
    ]);
  }

  /** In the transaction that moves the order out of PENDING_PAYMENT: the parked card goes with it. */
  async delete(m: EntityManager, orderId: string): Promise<void> {
    await m.query('DELETE FROM pending_payment WHERE order_id = $1', [orderId]);
  }
}
