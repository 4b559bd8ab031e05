import { Injectable, Logger } from '@nestjs/common';
import { OutboxService } from '@ha-shop/events';
import { businessMetrics } from '@ha-shop/observability';
import { ProblemException } from '@ha-shop/service-kit';
import { DataSource } from 'typeorm';
import { CheckoutEnv } from '../config/checkout.env';
import { CartRepository } from '../carts/cart.repository';
import { OrderRepository } from './order.repository';
import { OrderRow } from './order.row';
import {
  checkTransition,
  IllegalTransitionError,
  OrderStatus,
  TransitionContext,
} from './order.state-machine';
import { orderEventPayload } from './order.view';
import { PendingPaymentRepository } from './pending-payment.repository';

export type TransitionResult =
  { applied: true; order: OrderRow } | { applied: false; order: OrderRow; reason: string };

/**
 * Applies the transition table to stored orders. A transition is one compare-and-set UPDATE
 * (`WHERE status = $from`) plus its outbox event in the same transaction, so two actors
 * racing (the checkout request and the retry worker, two replicas) cannot both move an order.
 */
@Injectable()
export class OrderTransitions {
  private readonly logger = new Logger(OrderTransitions.name);

  constructor(
    private readonly ds: DataSource,
    private readonly orders: OrderRepository,
    private readonly carts: CartRepository,
    private readonly outbox: OutboxService,
    private readonly pending: PendingPaymentRepository,
    private readonly env: CheckoutEnv,
  ) {}

  /** For the saga and the worker: refusals are results, not errors (the order moved on meanwhile). */
  async tryTransition(orderId: string, to: OrderStatus, ctx: TransitionContext): Promise<TransitionResult> {
    const current = await this.orders.find(orderId);
    if (!current) throw new ProblemException(404, 'order-not-found', 'No such order.');
    return this.apply(current, to, ctx);
  }

  /** For API routes: a refused transition is a 409 problem. */
  async transition(orderId: string, to: OrderStatus, ctx: TransitionContext): Promise<OrderRow> {
    const result = await this.tryTransition(orderId, to, ctx);
    if (!result.applied) throw new IllegalTransitionError(orderId, result.order.status, to, result.reason);
    return result.order;
  }

  /** Checks the table for the order's current status, then compare-and-sets. */
  async apply(current: OrderRow, to: OrderStatus, ctx: TransitionContext): Promise<TransitionResult> {
    const from = current.status;
    // Someone (the worker, a replay) got there first: not an illegal request, just late.
    if (from === to) return { applied: false, order: current, reason: `the order is already ${to}` };
    const check = checkTransition(from, to, ctx);
    if (!check.ok) {
      this.logger.warn(
        { orderId: current.id, from, to, actor: ctx.actor, reason: check.reason },
        'illegal order transition refused',
      );
      return { applied: false, order: current, reason: check.reason };
    }
    const updated = await this.ds.transaction(async (m) => {
      const order = await this.orders.changeStatus(m, {
        id: current.id,
        from,
        to,
        paymentId: ctx.paymentId,
        declineCode: ctx.declineCode,
        reason: ctx.reason,
        reconcileAfterSeconds: this.env.CHECKOUT_DEADLINE_MS / 1000,
      });
      if (!order) return undefined;
      if (from === 'PENDING_PAYMENT') {
        // The parked card is only needed while the order waits for payment.
        await this.pending.delete(m, order.id);
        if (to === 'PAYMENT_FAILED' || to === 'CANCELLED') {
          // Give the cart back so the customer can try again, unless they already started a new one.
          await this.carts.reopen(m, order.cartId);
        }
      }
      await this.outbox.append(m, {
        type: check.transition.event,
        aggregateId: order.id,
        payload: orderEventPayload(order, { from, ...ctx }),
      });
      return order;
    });
    if (updated) {
      this.logger.log({ orderId: current.id, from, to, actor: ctx.actor }, 'order transition');
      countTransition(updated);
      return { applied: true, order: updated };
    }
    // Lost the compare-and-set: someone else moved the order first. Report where it is now.
    const now = await this.orders.find(current.id);
    if (!now) throw new ProblemException(404, 'order-not-found', 'No such order.');
    if (now.status !== from) return this.apply(now, to, ctx);
    if (to === 'FULFILLED')
      return { applied: false, order: now, reason: 'a refund of the order is under way' };
    return { applied: false, order: now, reason: 'the order changed concurrently' };
  }
}

/** shop_orders_total{status} and, once per order (the one PAID transition), shop_revenue_minor_total. */
export function countTransition(order: OrderRow): void {
  const metrics = businessMetrics();
  metrics.orders.inc({ status: order.status.toLowerCase() });
  if (order.status === 'PAID') metrics.revenueMinor.inc({ currency: order.currency }, order.total);
}
