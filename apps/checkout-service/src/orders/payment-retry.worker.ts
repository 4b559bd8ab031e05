import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { withSpan } from '@ha-shop/observability';
import { isDependencyUnavailable } from '@ha-shop/resilience';
import { DataSource } from 'typeorm';
import { CardVault } from '../checkout/card-vault';
import { CheckoutSaga } from '../checkout/checkout.saga';
import { CheckoutContext } from '../checkout/saga-runner';
import { PaymentClient } from '../clients/payment.client';
import { ProductClient } from '../clients/product.client';
import { CheckoutEnv, reconcileGraceSeconds } from '../config/checkout.env';
import { CancelledChargeSweeper } from './cancelled-charge.sweeper';
import { OrderRepository, OrderRow, ReservationStatus } from './order.repository';
import { OrderStatus } from './order.state-machine';
import { ClaimedPayment, PendingPaymentRepository } from './pending-payment.repository';

const SOLD: OrderStatus[] = ['PAID', 'FULFILLED', 'REFUNDED'];
const STOCK_RETRY_SECONDS = 10;
const PURGE_EVERY_MS = 60_000;
/** Budget of the reconciliation lookup (GET /payments?orderId=) that may follow a charge. */
const LOOKUP_BUDGET_MS = 3000;
/** A claimed row's lease outlasts the charge (bounded by CHECKOUT_DEADLINE_MS) and the lookup by this much. */
const LEASE_MARGIN_MS = 2000;

/**
 * Finishes what a checkout request could not:
 * - parked payments (PENDING_PAYMENT while payment-service was out): claimed in a short
 *   transaction with FOR UPDATE SKIP LOCKED that also leases them (next_attempt_at pushed past
 *   the longest charge), then charged with the order's own payment key, so several replicas,
 *   or a crash between charge and commit, never charge twice. A charge that stays unanswered
 *   schedules the next attempt with exponential backoff and jitter, capped.
 *   An order is only given up (deadline passed, card unreadable) or left with an unknown
 *   outcome after asking payment-service for its charges: an authorised one completes it as
 *   PAID. While payment-service cannot be asked, the order stays parked, at most until
 *   deadline + reconcileGraceSeconds (still inside the reservation TTL); then it is cancelled
 *   and its stock released;
 * - cancelled orders not yet reconciled with payment-service (CancelledChargeSweeper): any
 *   charge found on them is refunded;
 * - reservations of finished orders still marked 'reserved' (product-service was out when
 *   the saga tried): committed for paid orders, released for failed or cancelled ones;
 * - completed idempotency records past IDEMPOTENCY_RETENTION_HOURS (about once a minute).
 */
@Injectable()
export class PaymentRetryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PaymentRetryWorker.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private lastPurge = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly orders: OrderRepository,
    private readonly pending: PendingPaymentRepository,
    private readonly saga: CheckoutSaga,
    private readonly vault: CardVault,
    private readonly product: ProductClient,
    private readonly payment: PaymentClient,
    private readonly cancelledCharges: CancelledChargeSweeper,
    private readonly env: CheckoutEnv,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.env.PAYMENT_RETRY_WORKER_ENABLED) return;
    this.timer = setInterval(() => void this.tick(), this.env.PAYMENT_RETRY_INTERVAL_MS);
    // Never the reason the process stays alive.
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass; overlapping timer ticks are skipped rather than stacked. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    // A span per pass, so the pass's log lines and queries carry one trace id.
    this.running ??= withSpan('payment-retry pass', async () => {
      try {
        await this.retryDuePayments();
        await this.cancelledCharges.sweep();
        await this.settleStock();
        if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
          this.lastPurge = Date.now();
          await this.purgeIdempotencyRecords();
        }
      } catch (err) {
        this.logger.warn({ err }, 'payment retry pass failed; next pass retries');
      } finally {
        this.running = undefined;
      }
    });
    return this.running;
  }

  async retryDuePayments(): Promise<number> {
    const due = await this.claimDue();
    // Side by side: one slow charge must not hold up the batch (the batch size bounds the concurrency,
    // the checkout→payment bulkhead protects payment-service).
    await Promise.all(
      due.map((row) =>
        this.retry(row).catch((err: unknown) =>
          this.logger.warn({ err, orderId: row.orderId }, 'payment retry failed; the order stays parked'),
        ),
      ),
    );
    return due.length;
  }

  /** Leases each claimed row for as long as a charge and a reconciliation lookup may take. */
  private claimDue(): Promise<ClaimedPayment[]> {
    return this.pending.claimDue(
      this.vault.keyId,
      (this.env.CHECKOUT_DEADLINE_MS + LOOKUP_BUDGET_MS + LEASE_MARGIN_MS) / 1000,
      reconcileGraceSeconds(this.env),
    );
  }

  /** Works on one claimed row, then ends the claim, so no other replica acts on the order meanwhile. */
  private async retry(row: ClaimedPayment): Promise<void> {
    try {
      await this.attempt(row);
    } finally {
      // A no-op when the order left PENDING_PAYMENT (the row is gone) or another claim took it.
      await this.pending.reschedule(row.orderId, row.attempts);
    }
  }

  private async attempt(row: ClaimedPayment): Promise<void> {
    const order = await this.orders.find(row.orderId);
    if (!order || order.status !== 'PENDING_PAYMENT') return;
    const card = this.vault.open(order.id, {
      keyId: row.keyId,
      iv: row.iv,
      tag: row.tag,
      ciphertext: row.ciphertext,
    });
    const ctx: CheckoutContext & { order: OrderRow } = {
      orderId: order.id,
      deadline: Date.now() + this.env.CHECKOUT_DEADLINE_MS,
      buyer: { userId: order.userId, email: order.email },
      card,
      order,
      claim: { attempts: row.attempts },
    };
    if (card) {
      // Also at the deadline: one last attempt, whose answer (even a late authorisation) wins over cancelling.
      const outcome = await this.saga.resume(ctx);
      this.logger.log(
        { orderId: order.id, attempt: row.attempts, outcome: outcome.kind },
        'parked payment retried',
      );
      if (outcome.kind !== 'parked') return;
      // A plain outage before the deadline: the next attempt charges again with the same key.
      if (!row.expired && ctx.charge?.outcome !== 'unknown') return;
    } else if (!row.expired) {
      return;
    }
    await this.reconcile(ctx, row);
  }

  /**
   * Asks payment-service for the order's charges before giving it up: an authorisation whose
   * answer never reached us must complete the order, not be stranded on a cancelled one.
   * Idempotent: the lease keeps other replicas away, and every step is a compare-and-set
   * transition or a replay under a fixed key.
   */
  private async reconcile(ctx: CheckoutContext & { order: OrderRow }, row: ClaimedPayment): Promise<void> {
    const orderId = ctx.order.id;
    let payments;
    try {
      payments = await this.payment.paymentsOf(orderId, Date.now() + LOOKUP_BUDGET_MS);
    } catch (err) {
      if (!row.overdue) {
        // Not knowing is not "no charge": keep the order (and its stock) until payment-service answers.
        this.logger.warn({ err, orderId }, 'could not ask payment-service for the charges; retrying later');
        await this.pending.markReconcileFailed(orderId);
        return;
      }
      this.logger.error(
        { err, orderId },
        'payment-service unreachable past the reconciliation grace; cancelling, the cancelled-charge sweep refunds any charge later',
      );
    }
    // A charge already refunded (all of it) is no payment for the order.
    const authorised = payments?.find((p) => p.status === 'authorised' && p.refundedAmount < p.amount);
    if (authorised) {
      const outcome = await this.saga.completeWithCharge(ctx, authorised.id);
      this.logger.warn(
        { orderId, paymentId: authorised.id, outcome: outcome.kind },
        'reconciliation found an authorised charge; order completed',
      );
      return;
    }
    // An unknown outcome with no charge yet: stays parked and is charged again until its deadline.
    if (!row.expired) return;
    const after = await this.saga.abandon(ctx);
    this.logger.warn(
      { orderId, attempts: row.attempts, status: after.status, reconciled: payments !== undefined },
      'payment deadline passed; order given up',
    );
  }

  /** Drops completed idempotency records past their retention, a bounded batch per pass. */
  async purgeIdempotencyRecords(): Promise<number> {
    const [, deleted] = (await this.ds.query(
      `DELETE FROM idempotency_record WHERE (scope, key) IN (
         SELECT scope, key FROM idempotency_record
          WHERE status = 'completed' AND created_at < now() - make_interval(hours => $1)
          LIMIT 1000 FOR UPDATE SKIP LOCKED)`,
      [this.env.IDEMPOTENCY_RETENTION_HOURS],
    )) as [unknown, number];
    return deleted;
  }

  /** Commits or releases reservations the saga could not settle (product-service was out). */
  async settleStock(): Promise<number> {
    const [rows] = (await this.ds.query(
      `UPDATE orders SET stock_sync_at = now() + make_interval(secs => $2)
        WHERE id IN (SELECT id FROM orders
                      WHERE reservation_status = 'reserved' AND status <> 'PENDING_PAYMENT' AND stock_sync_at <= now()
                      ORDER BY stock_sync_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, status, reservation_key AS "reservationKey"`,
      [this.env.PAYMENT_RETRY_BATCH_SIZE, STOCK_RETRY_SECONDS],
    )) as [Array<{ id: string; status: OrderStatus; reservationKey: string }>, number];
    for (const row of rows) {
      if (this.stopped) break;
      const sold = SOLD.includes(row.status);
      try {
        const deadline = Date.now() + 3000;
        const outcome = sold
          ? await this.product.commit(row.reservationKey, deadline)
          : await this.product.release(row.reservationKey, deadline);
        let status: ReservationStatus = sold ? 'committed' : 'released';
        if (outcome !== 'done') {
          // commit of a released/expired-and-gone reservation, or release of a committed one: record the truth.
          this.logger.error(
            { orderId: row.id, orderStatus: row.status, outcome },
            'reservation could not be settled as expected',
          );
          if (outcome === 'conflict') status = sold ? 'released' : 'committed';
          if (outcome === 'not-found') status = 'released';
        }
        await this.orders.setReservationStatus(row.id, status);
      } catch (err) {
        if (!isDependencyUnavailable(err)) throw err;
      }
    }
    return rows.length;
  }
}
