import { Injectable, Logger } from '@nestjs/common';
import { OutboxService } from '@ha-shop/events';
import { DataSource } from 'typeorm';
import { ChargeOutcome } from '../clients/client-types';
import { PaymentClient } from '../clients/payment.client';
import { ProductClient } from '../clients/product.client';
import { CheckoutEnv, reservationTtlSeconds } from '../config/checkout.env';
import { countTransition, OrderTransitions } from '../orders/order-transitions.service';
import { OrderLine, OrderRepository, OrderRow } from '../orders/order.repository';
import { orderEventPayload } from '../orders/order.view';
import { PendingPaymentRepository } from '../orders/pending-payment.repository';
import { CardVault } from './card-vault';
import {
  AbortReason,
  CheckoutContext,
  outcomeOf,
  paymentKeyFor,
  refundKeyFor,
  reject,
  reservationKeyFor,
  SagaAbort,
  SagaOutcome,
  SagaRunner,
  SagaStep,
} from './saga-runner';

/** payment-service's largest accepted amount. */
const MAX_CHARGE = 100_000_000;
/** Below this much time left, a charge is not started in the request; the worker makes it. */
const MIN_CHARGE_BUDGET_MS = 300;

export const ORDER_EVENTS = { placed: 'order.placed' } as const;

/**
 * The checkout saga of DESIGN.md §3 as an explicit list of steps, each with its compensation:
 *
 *   price        read authoritative prices                    (no side effect)
 *   reserve      reserve stock by key `order:<id>`            ↩ release the reservation
 *   createOrder  order PENDING_PAYMENT + order.placed, one tx  ↩ order PAYMENT_FAILED (declined) or CANCELLED
 *   charge       charge with key `checkout:order:<id>`        ↩ refund if it was authorised, else nothing
 *   confirm      order PAID + order.paid, commit reservation  (never undone: the money is in)
 *
 * A payment outage is not a failure: the saga stops after createOrder with the order parked
 * in PENDING_PAYMENT and the retry worker later resumes it at `charge`.
 */
@Injectable()
export class CheckoutSaga {
  private readonly logger = new Logger(CheckoutSaga.name);
  readonly steps: readonly SagaStep[];
  private readonly runner: SagaRunner;

  constructor(
    private readonly ds: DataSource,
    private readonly product: ProductClient,
    private readonly payment: PaymentClient,
    private readonly orders: OrderRepository,
    private readonly transitions: OrderTransitions,
    private readonly outbox: OutboxService,
    private readonly vault: CardVault,
    private readonly pending: PendingPaymentRepository,
    private readonly env: CheckoutEnv,
  ) {
    this.runner = new SagaRunner((id) => this.orders.find(id));
    this.steps = [
      { name: 'price', run: (ctx) => this.price(ctx) },
      {
        name: 'reserve',
        run: (ctx) => this.reserve(ctx),
        compensate: (ctx) => this.release(ctx),
        compensateOnFailure: true,
      },
      {
        name: 'createOrder',
        run: (ctx) => this.createOrder(ctx),
        compensate: (ctx, reason) => this.failOrder(ctx, reason),
      },
      { name: 'charge', run: (ctx) => this.charge(ctx), compensate: (ctx) => this.refundIfCharged(ctx) },
      { name: 'confirm', run: (ctx) => this.confirm(ctx) },
    ];
  }

  /** Runs the whole saga from a cart. Throws SagaAbort (with a problem) or a dependency error when no order came of it. */
  start(ctx: CheckoutContext): Promise<SagaOutcome> {
    return this.runner.run(ctx, this.steps, []);
  }

  /** Resumes a parked order at `charge`; reserve and createOrder are done and stay compensable. */
  resume(ctx: CheckoutContext & { order: OrderRow }): Promise<SagaOutcome> {
    const done = this.steps.filter((s) => s.name === 'reserve' || s.name === 'createOrder');
    return this.runner.run(
      ctx,
      this.steps.filter((s) => s.name === 'charge' || s.name === 'confirm'),
      done,
    );
  }

  /**
   * Completes a parked order whose charge payment-service already holds (found by reconciliation):
   * confirm as if `charge` had answered with it. If the order moved on meanwhile, the runner
   * compensates and the charge is refunded.
   */
  completeWithCharge(ctx: CheckoutContext & { order: OrderRow }, paymentId: string): Promise<SagaOutcome> {
    ctx.charge = { outcome: 'authorised', paymentId };
    const done = this.steps.filter((s) => s.name !== 'price' && s.name !== 'confirm');
    return this.runner.run(
      ctx,
      this.steps.filter((s) => s.name === 'confirm'),
      done,
    );
  }

  /** Gives up on a parked order (payment deadline): compensates reserve and createOrder. */
  async abandon(ctx: CheckoutContext & { order: OrderRow }): Promise<OrderRow> {
    const done = this.steps.filter((s) => s.name === 'reserve' || s.name === 'createOrder');
    await this.runner.compensate(ctx, done, 'unavailable');
    return (await this.orders.find(ctx.order.id)) ?? ctx.order;
  }

  // ---- price ---------------------------------------------------------------------------

  private async price(ctx: CheckoutContext): Promise<'next'> {
    const items = ctx.cart!.items;
    if (items.length === 0) throw reject(422, 'cart-empty', 'The cart is empty.');
    const prices = await this.product.prices(
      items.map((i) => i.sku),
      ctx.deadline,
      ctx.actingFor,
    );
    if (prices.missing.length > 0) {
      throw reject(422, 'unknown-sku', 'Some items no longer exist; remove them from the cart.', {
        skus: prices.missing,
      });
    }
    const inactive = items.filter((i) => !prices.bySku.get(i.sku)!.active).map((i) => i.sku);
    if (inactive.length > 0) {
      throw reject(422, 'sku-unavailable', 'Some items are no longer on sale; remove them from the cart.', {
        skus: inactive,
      });
    }
    const lines: OrderLine[] = items.map((i) => {
      const p = prices.bySku.get(i.sku)!;
      return {
        sku: i.sku,
        name: p.name,
        unitPrice: p.unitPrice,
        quantity: i.quantity,
        lineTotal: p.unitPrice * i.quantity,
      };
    });
    const currencies = new Set(items.map((i) => prices.bySku.get(i.sku)!.currency));
    if (currencies.size > 1) throw reject(422, 'currency-mismatch', 'The cart mixes currencies.');
    const subtotal = lines.reduce((n, l) => n + l.lineTotal, 0);
    const total = subtotal;
    if (total < 1) throw reject(422, 'nothing-to-pay', 'The order total is zero.');
    if (total > MAX_CHARGE)
      throw reject(422, 'order-too-large', `The order total exceeds ${MAX_CHARGE} minor units.`);
    ctx.priced = { lines, currency: [...currencies][0], subtotal, total };
    return 'next';
  }

  // ---- reserve / release ---------------------------------------------------------------

  private async reserve(ctx: CheckoutContext): Promise<'next'> {
    const items = ctx.priced!.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
    const result = await this.product.reserve(
      reservationKeyFor(ctx.orderId),
      items,
      reservationTtlSeconds(this.env),
      ctx.deadline,
      ctx.actingFor,
    );
    if (result.outcome === 'out-of-stock') {
      throw reject(409, 'out-of-stock', 'Some items are out of stock.', { skus: result.skus });
    }
    if (result.outcome === 'unknown-sku') {
      throw reject(422, 'unknown-sku', 'Some items no longer exist; remove them from the cart.', {
        skus: result.skus,
      });
    }
    if (result.outcome === 'conflict') throw reject(409, 'reservation-conflict', result.detail);
    return 'next';
  }

  private async release(ctx: CheckoutContext): Promise<void> {
    let outcome;
    try {
      outcome = await this.product.release(
        reservationKeyFor(ctx.orderId),
        Math.max(ctx.deadline, Date.now() + 1000),
        ctx.actingFor,
      );
    } catch (err) {
      // With an order, the worker releases it; without one, the reservation's TTL does.
      if (ctx.order) await this.orders.scheduleStockSync(ctx.orderId, this.env.PAYMENT_RETRY_BASE_MS);
      throw err;
    }
    if (outcome === 'conflict') {
      this.logger.error({ orderId: ctx.orderId }, 'reservation was already committed; not released');
    }
    if (ctx.order) {
      await this.orders.setReservationStatus(ctx.orderId, outcome === 'conflict' ? 'committed' : 'released');
    }
  }

  // ---- createOrder / failOrder ---------------------------------------------------------

  private async createOrder(ctx: CheckoutContext): Promise<'next' | SagaOutcome> {
    const { row: cart } = ctx.cart!;
    const priced = ctx.priced!;
    const inRequestMs = Math.max(0, ctx.deadline - Date.now());
    const { order, created } = await this.ds.transaction(async (m) => {
      const existing = await this.orders.findForUpdate(m, ctx.orderId);
      // A retry that took over a crashed request's key resumes that request's order.
      if (existing) return { order: existing, created: false };
      const [, claimed] = (await m.query(
        `UPDATE cart SET status = 'checked_out', version = version + 1, updated_at = now()
          WHERE id = $1 AND status = 'active' AND version = $2`,
        [cart.id, cart.version],
      )) as [unknown, number];
      if (claimed !== 1)
        throw reject(
          409,
          'cart-changed',
          'The cart changed or was checked out meanwhile; review it and retry.',
        );
      const inserted = await this.orders.insert(m, {
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
      // The retry schedule only: the card is stored (sealed, without CVC) if the charge gets parked.
      // The worker leaves the order alone while this request may still be charging it.
      await this.pending.insert(m, ctx.orderId, inRequestMs + this.env.PAYMENT_RETRY_BASE_MS);
      await this.outbox.append(m, {
        type: ORDER_EVENTS.placed,
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

  private async failOrder(ctx: CheckoutContext, reason: AbortReason): Promise<void> {
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

  // ---- charge / refund -----------------------------------------------------------------

  private async charge(ctx: CheckoutContext): Promise<'next' | SagaOutcome> {
    const order = ctx.order!;
    if (order.status !== 'PENDING_PAYMENT') return outcomeOf(order);
    const outcome: ChargeOutcome = !ctx.card
      ? { outcome: 'unavailable', reason: 'card not available' }
      : ctx.deadline - Date.now() < MIN_CHARGE_BUDGET_MS
        ? { outcome: 'unavailable', reason: 'no time left' }
        : await this.payment.charge(
            {
              idempotencyKey: order.paymentKey,
              orderId: order.id,
              amount: order.total,
              currency: order.currency,
              card: ctx.card,
              customerId: order.userId ?? undefined,
            },
            ctx.deadline,
            ctx.actingFor,
          );
    ctx.charge = outcome;
    if (outcome.outcome === 'authorised') return 'next';
    if (outcome.outcome === 'declined') throw new SagaAbort('declined');
    // The worker that resumed the order keeps its lease until it is done (it may reconcile or cancel next).
    const sealed = ctx.card ? this.vault.seal(order.id, ctx.card) : undefined;
    await this.pending.park(order.id, outcome.reason, sealed, ctx.claim !== undefined);
    this.logger.warn(
      { orderId: order.id, reason: outcome.reason },
      'payment parked; the retry worker will charge later',
    );
    // The first attempt is made: from here on the card is the stored one, without its CVC.
    if (ctx.card) delete ctx.card.cvc;
    return { kind: 'parked', order };
  }

  private async refundIfCharged(ctx: CheckoutContext): Promise<void> {
    if (ctx.charge?.outcome !== 'authorised' || !ctx.order) return;
    const result = await this.payment.refund(
      ctx.charge.paymentId,
      refundKeyFor(ctx.order.id),
      Date.now() + 5000,
      ctx.actingFor,
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

  // ---- confirm -------------------------------------------------------------------------

  private async confirm(ctx: CheckoutContext): Promise<SagaOutcome> {
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
    if (result.applied) await this.commitStock(result.order, ctx.actingFor);
    return { kind: 'paid', order: result.order };
  }

  /** Best effort within the request; the worker commits whatever is left 'reserved' on a paid order. */
  private async commitStock(order: OrderRow, actingFor?: string): Promise<void> {
    try {
      const outcome = await this.product.commit(order.reservationKey, Date.now() + 2000, actingFor);
      if (outcome === 'done') {
        await this.orders.setReservationStatus(order.id, 'committed');
        return;
      }
      this.logger.error({ orderId: order.id, outcome }, 'reservation of a paid order could not be committed');
    } catch (err) {
      this.logger.warn(
        { err, orderId: order.id },
        'committing the reservation failed; the worker will retry',
      );
    }
    await this.orders.scheduleStockSync(order.id, this.env.PAYMENT_RETRY_BASE_MS);
  }
}
