import { Injectable } from '@nestjs/common';
import { EVENTS, OutboxService } from '@ha-shop/events';
import { RequestContext } from '@ha-shop/service-kit';
import { DataSource } from 'typeorm';
import { CartRepository } from '../carts/cart.repository';
import { CheckoutEnv } from '../config/checkout.env';
import { paymentKeyFor, reservationKeyFor } from '../orders/order-keys';
import { countTransition, OrderTransitions } from '../orders/order-transitions.service';
import { OrderRepository } from '../orders/order.repository';
import { orderEventPayload } from '../orders/order.view';
import { PendingPaymentRepository } from '../orders/pending-payment.repository';
import { AbortReason, CheckoutContext, outcomeOf, reject, SagaOutcome } from './saga-runner';

/**
 * The saga's order step: the cart checked out, the order created PENDING_PAYMENT with its retry
 * schedule and order.placed, all in one transaction; its compensation moves the order to
 * PAYMENT_FAILED (declined) or CANCELLED, which gives the cart back.
 */
@Injectable()
export class OrderSteps {
  constructor(
    private readonly ds: DataSource,
    private readonly carts: CartRepository,
    private readonly orders: OrderRepository,
    private readonly pending: PendingPaymentRepository,
    private readonly transitions: OrderTransitions,
    private readonly outbox: OutboxService,
    private readonly env: CheckoutEnv,
  ) {}

  async createOrder(ctx: CheckoutContext): Promise<'next' | SagaOutcome> {
    const { row: cart } = ctx.cart!;
    const priced = ctx.priced!;
    // Finite: the saga always runs under a deadline (the request's or the worker's).
    const inRequestMs = Math.max(0, Math.min(RequestContext.timeLeft(), this.env.CHECKOUT_DEADLINE_MS));
    const { order, created } = await this.ds.transaction(async (m) => {
      // Insert first, then claim the cart: one statement fewer than looking for the order first.
      // A failed claim rolls the insert back with the rest of the transaction.
      const inserted = await this.orders.insertIfAbsent(m, {
        id: ctx.orderId,
        userId: ctx.buyer.userId,
        email: ctx.buyer.email,
        cartId: cart.id,
        currency: priced.currency,
        subtotal: priced.subtotal,
        shipping: 0,
        total: priced.total,
        lines: priced.lines,
        shippingAddress: ctx.shippingAddress!,
        reservationKey: reservationKeyFor(ctx.orderId),
        paymentKey: paymentKeyFor(ctx.orderId),
      });
      if (!inserted) {
        // A retry that took over a crashed request's key resumes that request's order.
        const existing = await this.orders.findForUpdate(m, ctx.orderId);
        if (!existing) throw new Error(`order ${ctx.orderId} neither inserted nor found`);
        return { order: existing, created: false };
      }
      if (!(await this.carts.checkOut(m, cart.id, cart.version)))
        throw reject(
          409,
          'cart-changed',
          'The cart changed or was checked out meanwhile; review it and retry.',
        );
      // The retry schedule only: the card is stored (sealed, without CVC) if the charge gets parked.
      // The worker leaves the order alone while this request may still be charging it.
      await this.pending.insert(m, ctx.orderId, inRequestMs + this.env.PAYMENT_RETRY_BASE_MS);
      await this.outbox.append(m, {
        type: EVENTS.orderPlaced,
        aggregateId: inserted.id,
        payload: {
          ...orderEventPayload(inserted),
          lines: priced.lines.map((l) => ({
            sku: l.sku,
            quantity: l.quantity,
            unitPrice: l.unitPrice,
            lineTotal: l.lineTotal,
          })),
        },
      });
      return { order: inserted, created: true };
    });
    if (created) countTransition(order);
    ctx.order = order;
    return order.status === 'PENDING_PAYMENT' ? 'next' : outcomeOf(order);
  }

  async failOrder(ctx: CheckoutContext, reason: AbortReason): Promise<void> {
    if (!ctx.order) return;
    const charge = ctx.charge;
    const result =
      reason === 'declined' && charge?.outcome === 'declined'
        ? await this.transitions.tryTransition(ctx.order.id, 'PAYMENT_FAILED', {
            actor: 'system',
            declineCode: charge.declineCode,
            paymentId: charge.paymentId,
          })
        : await this.transitions.tryTransition(ctx.order.id, 'CANCELLED', {
            actor: 'system',
            reason: reason === 'unavailable' ? 'payment-deadline' : reason,
          });
    ctx.order = result.order;
  }
}
