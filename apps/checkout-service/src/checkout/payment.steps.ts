import { Injectable, Logger } from '@nestjs/common';
import { RequestContext } from '@ha-shop/service-kit';
import { ChargeOutcome } from '../clients/client-types';
import { PaymentClient } from '../clients/payment.client';
import { refundKeyFor } from '../orders/order-keys';
import { OrderTransitions } from '../orders/order-transitions.service';
import { PendingPaymentRepository } from '../orders/pending-payment.repository';
import { CardVault } from './card-vault';
import { CheckoutContext, outcomeOf, SagaAbort, SagaOutcome } from './saga-runner';
import { StockSteps } from './stock.steps';

/** Below this much time left, a charge is not started in the request; the worker makes it. */
const MIN_CHARGE_BUDGET_MS = 300;
/** Least time a compensating refund gets, past the caller's deadline if need be. */
const REFUND_BUDGET_MS = 5000;

/**
 * The saga's payment steps: charge under the order's payment key (parking the order, card sealed,
 * when payment-service gives no usable answer), its compensation (refund under the order's refund
 * key), and confirm (order PAID, then the reservation committed).
 */
@Injectable()
export class PaymentSteps {
  private readonly logger = new Logger(PaymentSteps.name);

  constructor(
    private readonly payment: PaymentClient,
    private readonly transitions: OrderTransitions,
    private readonly vault: CardVault,
    private readonly pending: PendingPaymentRepository,
    private readonly stock: StockSteps,
  ) {}

  async charge(ctx: CheckoutContext): Promise<'next' | SagaOutcome> {
    const order = ctx.order!;
    if (order.status !== 'PENDING_PAYMENT') return outcomeOf(order);
    const outcome: ChargeOutcome = !ctx.card
      ? { outcome: 'unavailable', reason: 'card not available' }
      : RequestContext.timeLeft() < MIN_CHARGE_BUDGET_MS
        ? { outcome: 'unavailable', reason: 'no time left' }
        : await this.payment.charge({
            idempotencyKey: order.paymentKey,
            orderId: order.id,
            amount: order.total,
            currency: order.currency,
            card: ctx.card,
            customerId: order.userId ?? undefined,
          });
    ctx.charge = outcome;
    if (outcome.outcome === 'authorised') return 'next';
    if (outcome.outcome === 'declined') throw new SagaAbort('declined');
    return this.park(ctx, outcome.reason);
  }

  /** The charge had no usable answer: the retry worker charges again later with the same key. */
  private async park(ctx: CheckoutContext, reason: string): Promise<SagaOutcome> {
    const order = ctx.order!;
    // The worker that resumed the order keeps its lease until it is done (it may reconcile or cancel next).
    const sealed = ctx.card ? this.vault.seal(order.id, ctx.card) : undefined;
    await this.pending.park(order.id, reason, sealed, ctx.claim !== undefined);
    this.logger.warn({ orderId: order.id, reason }, 'payment parked; the retry worker will charge later');
    // The first attempt is made: from here on the card is the stored one, without its CVC.
    if (ctx.card) delete ctx.card.cvc;
    return { kind: 'parked', order };
  }

  async refundIfCharged(ctx: CheckoutContext): Promise<void> {
    if (ctx.charge?.outcome !== 'authorised' || !ctx.order) return;
    const { paymentId } = ctx.charge;
    const orderId = ctx.order.id;
    // Clean-up: the money goes back even when the caller has given up.
    const result = await RequestContext.outlivingCaller(REFUND_BUDGET_MS, () =>
      this.payment.refund(paymentId, refundKeyFor(orderId)),
    );
    if (result.outcome === 'refunded') {
      this.logger.warn(
        { orderId: ctx.order.id, paymentId: ctx.charge.paymentId },
        'charge of an order that moved on was refunded',
      );
    } else {
      this.logger.error(
        { orderId: ctx.order.id, paymentId: ctx.charge.paymentId, result },
        'refund of an orphaned charge refused',
      );
    }
  }

  async confirm(ctx: CheckoutContext): Promise<SagaOutcome> {
    const charge = ctx.charge;
    if (charge?.outcome !== 'authorised') throw new Error('confirm without an authorised charge');
    const result = await this.transitions.apply(ctx.order!, 'PAID', {
      actor: 'system',
      paymentId: charge.paymentId,
    });
    ctx.order = result.order;
    if (!result.applied && result.order.status !== 'PAID') {
      // Cancelled meanwhile (payment deadline): the money must go back.
      throw new SagaAbort('order-moved-on');
    }
    if (result.applied) await this.stock.commit(result.order);
    return { kind: 'paid', order: result.order };
  }
}
