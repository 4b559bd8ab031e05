import { Injectable, Logger } from '@nestjs/common';
import { isDependencyUnavailable } from '@ha-shop/resilience';
import { DataSource } from 'typeorm';
import { refundKeyFor } from '../checkout/saga-runner';
import { PaymentClient } from '../clients/payment.client';
import { CheckoutEnv } from '../config/checkout.env';

/** Budget of one order's lookup and refund; the claim's lease outlasts it. */
const CALL_BUDGET_MS = 5000;

/**
 * No charge may stand on a cancelled order. An order cancelled from PENDING_PAYMENT is marked
 * (`payment_reconcile_at`, see OrderTransitions) because a charge for it may exist that checkout
 * never heard of: the worker gave up while payment-service could not be asked, a charge answered
 * after the cancel, a compensating refund that failed. This sweep asks payment-service about
 * each marked order, for as long as it takes (backing off while it cannot be asked), and refunds
 * what it finds under the order's refund key, so the money goes back exactly once whoever
 * (saga, admin, sweep) asks first.
 */
@Injectable()
export class CancelledChargeSweeper {
  private readonly logger = new Logger(CancelledChargeSweeper.name);

  constructor(
    private readonly ds: DataSource,
    private readonly payment: PaymentClient,
    private readonly env: CheckoutEnv,
  ) {}

  async sweep(): Promise<number> {
    const [rows] = (await this.ds.query(
      `UPDATE orders SET payment_reconcile_at = now() + make_interval(secs => $2),
              payment_reconcile_attempts = payment_reconcile_attempts + 1
        WHERE id IN (SELECT id FROM orders
                      WHERE payment_reconcile_at <= now() AND status = 'CANCELLED'
                      ORDER BY payment_reconcile_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, payment_reconcile_attempts AS attempts`,
      [this.env.PAYMENT_RETRY_BATCH_SIZE, (2 * CALL_BUDGET_MS) / 1000],
    )) as [Array<{ id: string; attempts: number }>, number];
    for (const row of rows) await this.reconcile(row.id, row.attempts);
    return rows.length;
  }

  private async reconcile(orderId: string, attempts: number): Promise<void> {
    try {
      const payments = await this.payment.paymentsOf(orderId, Date.now() + CALL_BUDGET_MS);
      for (const p of payments) {
        if (p.status !== 'authorised' || p.refundedAmount >= p.amount) continue;
        const result = await this.payment.refund(p.id, refundKeyFor(orderId), Date.now() + CALL_BUDGET_MS);
        if (result.outcome === 'refunded') {
          this.logger.warn({ orderId, paymentId: p.id }, 'refunded a charge that stood on a cancelled order');
        } else {
          // Not retried: a refusal will not change by asking again; someone must look at it.
          this.logger.error({ orderId, paymentId: p.id, result }, 'refund of a cancelled order refused');
        }
      }
      await this.ds.query('UPDATE orders SET payment_reconcile_at = NULL WHERE id = $1', [orderId]);
    } catch (err) {
      const level = isDependencyUnavailable(err) ? 'warn' : 'error';
      this.logger[level]({ err, orderId }, 'cancelled order not reconciled yet; retrying later');
      await this.ds.query(
        `UPDATE orders SET payment_reconcile_at = now() + make_interval(secs =>
                least($3::float8, $2::float8 * power(2, least($4::int, 30))) * (0.5 + random() / 2) / 1000)
          WHERE id = $1`,
        [orderId, this.env.PAYMENT_RETRY_BASE_MS, this.env.PAYMENT_RETRY_MAX_BACKOFF_MS, attempts],
      );
    }
  }
}
