import { Injectable, Logger } from '@nestjs/common';
import { RequestContext } from '@ha-shop/service-kit';
import { CheckoutSaga } from '../checkout/checkout.saga';
import { CheckoutContext } from '../checkout/saga-runner';
import { PaymentClient } from '../clients/payment.client';
import { OrderRow } from '../orders/order.row';
import { ClaimedPayment, PendingPaymentRepository } from '../orders/pending-payment.repository';

/** Budget of the reconciliation lookup (GET /payments?orderId=) that may follow a charge. */
export const LOOKUP_BUDGET_MS = 3000;

/**
 * Decides a parked order that cannot simply be charged again (deadline passed, card unreadable,
 * unknown outcome) by asking payment-service for its charges first: an authorisation whose answer
 * never reached us must complete the order, not be stranded on a cancelled one. While
 * payment-service cannot be asked the order stays parked, at most until deadline +
 * reconcileGraceSeconds (still inside the reservation TTL); then it is cancelled and its stock
 * released. Idempotent: the caller's lease keeps other replicas away, and every step is a
 * compare-and-set transition or a replay under a fixed key.
 */
@Injectable()
export class PaymentReconciliation {
  private readonly logger = new Logger(PaymentReconciliation.name);

  constructor(
    private readonly saga: CheckoutSaga,
    private readonly payment: PaymentClient,
    private readonly pending: PendingPaymentRepository,
  ) {}

  async reconcile(ctx: CheckoutContext & { order: OrderRow }, row: ClaimedPayment): Promise<void> {
    const orderId = ctx.order.id;
    let payments;
    try {
      payments = await RequestContext.within(LOOKUP_BUDGET_MS, () => this.payment.paymentsOf(orderId));
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
}
