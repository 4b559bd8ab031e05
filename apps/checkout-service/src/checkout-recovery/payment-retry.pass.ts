import { Injectable, Logger } from '@nestjs/common';
import { RequestContext } from '@ha-shop/service-kit';
import { CardVault } from '../checkout/card-vault';
import { CheckoutSaga } from '../checkout/checkout.saga';
import { CheckoutContext } from '../checkout/saga-runner';
import { CheckoutEnv, reconcileGraceSeconds } from '../config/checkout.env';
import { OrderRepository } from '../orders/order.repository';
import { OrderRow } from '../orders/order.row';
import { ClaimedPayment, PendingPaymentRepository } from '../orders/pending-payment.repository';
import { LOOKUP_BUDGET_MS, PaymentReconciliation } from './payment-reconciliation';

/** A claimed row's lease outlasts the charge (bounded by CHECKOUT_DEADLINE_MS) and the lookup by this much. */
const LEASE_MARGIN_MS = 2000;

/**
 * Charges parked payments (PENDING_PAYMENT while payment-service was out). Due rows are claimed
 * in one statement with FOR UPDATE SKIP LOCKED that also leases them (past the longest charge
 * and lookup), then charged by resuming the saga with the order's own payment key, so several
 * replicas, or a crash between charge and commit, never charge twice. A charge that stays
 * unanswered schedules the next attempt with exponential backoff and jitter, capped. An order
 * is only given up or left with an unknown outcome through PaymentReconciliation.
 */
@Injectable()
export class PaymentRetryPass {
  private readonly logger = new Logger(PaymentRetryPass.name);

  constructor(
    private readonly orders: OrderRepository,
    private readonly pending: PendingPaymentRepository,
    private readonly saga: CheckoutSaga,
    private readonly vault: CardVault,
    private readonly reconciliation: PaymentReconciliation,
    private readonly env: CheckoutEnv,
  ) {}

  /** The number of parked payments claimed in this run. */
  async run(): Promise<number> {
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
    // No inbound request here: the worker states whom it acts for, so product- and payment-service
    // still see the order's customer (x-on-behalf-of); each call below sets its own budget.
    await RequestContext.run({ actingFor: order.userId ?? undefined }, () => this.settle(order, row));
  }

  private async settle(order: OrderRow, row: ClaimedPayment): Promise<void> {
    const card = this.vault.open(order.id, {
      keyId: row.keyId,
      iv: row.iv,
      tag: row.tag,
      ciphertext: row.ciphertext,
    });
    const ctx: CheckoutContext & { order: OrderRow } = {
      orderId: order.id,
      buyer: { userId: order.userId, email: order.email },
      card,
      order,
      claim: { attempts: row.attempts },
    };
    if (card) {
      // Also at the deadline: one last attempt, whose answer (even a late authorisation) wins over cancelling.
      const outcome = await RequestContext.within(this.env.CHECKOUT_DEADLINE_MS, () => this.saga.resume(ctx));
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
    await this.reconciliation.reconcile(ctx, row);
  }
}
