import { Injectable, Logger } from '@nestjs/common';
import { isDependencyUnavailable } from '@ha-shop/resilience';
import { RequestContext } from '@ha-shop/service-kit';
import { PaymentClient } from '../clients/payment.client';
import { CheckoutEnv } from '../config/checkout.env';
import { refundKeyFor } from '../orders/order-keys';
import { OrderRepository } from '../orders/order.repository';

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
    private readonly orders: OrderRepository,
    private readonly payment: PaymentClient,
    private readonly env: CheckoutEnv,
  ) {}

  async sweep(): Promise<number> {
    const rows = await this.orders.claimChargesToReconcile(
      this.env.PAYMENT_RETRY_BATCH_SIZE,
      (2 * CALL_BUDGET_MS) / 1000,
    );
    for (const row of rows) await this.reconcile(row.id, row.attempts);
    return rows.length;
  }

  private async reconcile(orderId: string, attempts: number): Promise<void> {
    try {
      const payments = await withBudget(() => this.payment.paymentsOf(orderId));
      for (const p of payments) {
        if (p.status !== 'authorised' || p.refundedAmount >= p.amount) continue;
        const result = await withBudget(() => this.payment.refund(p.id, refundKeyFor(orderId)));
        if (result.outcome === 'refunded') {
          this.logger.warn({ orderId, paymentId: p.id }, 'refunded a charge that stood on a cancelled order');
        } else {
          // Not retried: a refusal will not change by asking again; someone must look at it.
          this.logger.error({ orderId, paymentId: p.id, result }, 'refund of a cancelled order refused');
        }
      }
      await this.orders.markChargesReconciled(orderId);
    } catch (err) {
      const level = isDependencyUnavailable(err) ? 'warn' : 'error';
      this.logger[level]({ err, orderId }, 'cancelled order not reconciled yet; retrying later');
      await this.orders.rescheduleChargeReconcile(
        orderId,
        attempts,
        this.env.PAYMENT_RETRY_BASE_MS,
        this.env.PAYMENT_RETRY_MAX_BACKOFF_MS,
      );
    }
  }
}

/** The sweep acts as itself (the order was cancelled, nobody waits), each call with its own budget. */
function withBudget<T>(call: () => Promise<T>): Promise<T> {
  return RequestContext.run({ deadline: Date.now() + CALL_BUDGET_MS }, call);
}
