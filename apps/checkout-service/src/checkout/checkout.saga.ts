import { Injectable } from '@nestjs/common';
import { OrderRepository } from '../orders/order.repository';
import { OrderRow } from '../orders/order.row';
import { OrderSteps } from './order.steps';
import { PaymentSteps } from './payment.steps';
import { priceCart } from './pricing';
import { CheckoutContext, reject, SagaOutcome, SagaRunner, SagaStep } from './saga-runner';
import { StockSteps } from './stock.steps';

/**
 * The checkout saga of DESIGN.md §3 as an explicit list of steps, each with its compensation:
 *
 *   reserve      reserve stock by key `order:<id>`, answered   ↩ release the reservation, also when reserve
 *                with the prices it was made at                  itself failed (it may have happened unseen)
 *   price        price the cart with those prices (pure)       (no side effect; a refusal releases the stock)
 *   createOrder  order PENDING_PAYMENT + order.placed, one tx  ↩ order PAYMENT_FAILED (declined) or CANCELLED
 *   charge       charge with key `checkout:order:<id>`        ↩ refund if it was authorised, else nothing
 *   confirm      order PAID + order.paid, commit reservation  (never undone: the money is in)
 *
 * So a checkout makes one product-service call before the order exists (issue 16: no separate
 * price read). An empty cart is refused before any step. The steps live by what they touch:
 * stock.steps.ts (reserve, release, commit), pricing.ts (price, a pure function), order.steps.ts
 * (createOrder, failOrder), payment.steps.ts (charge, park, refund, confirm).
 *
 * A payment outage is not a failure: the saga stops after createOrder with the order parked
 * in PENDING_PAYMENT and the retry worker later resumes it at `charge`.
 */
@Injectable()
export class CheckoutSaga {
  readonly steps: readonly SagaStep[];
  private readonly runner: SagaRunner;

  constructor(
    private readonly orders: OrderRepository,
    stock: StockSteps,
    order: OrderSteps,
    payment: PaymentSteps,
  ) {
    this.runner = new SagaRunner((id) => this.orders.find(id));
    this.steps = [
      {
        name: 'reserve',
        run: (ctx) => stock.reserve(ctx),
        compensate: (ctx) => stock.release(ctx),
        compensateOnFailure: true,
      },
      { name: 'price', run: (ctx) => this.price(ctx) },
      {
        name: 'createOrder',
        run: (ctx) => order.createOrder(ctx),
        compensate: (ctx, reason) => order.failOrder(ctx, reason),
      },
      {
        name: 'charge',
        run: (ctx) => payment.charge(ctx),
        compensate: (ctx) => payment.refundIfCharged(ctx),
      },
      { name: 'confirm', run: (ctx) => payment.confirm(ctx) },
    ];
  }

  /** Runs the whole saga from a cart. Throws SagaAbort (with a problem) or a dependency error when no order came of it. */
  async start(ctx: CheckoutContext): Promise<SagaOutcome> {
    if (ctx.cart!.items.length === 0) throw reject(422, 'cart-empty', 'The cart is empty.');
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

  private price(ctx: CheckoutContext): Promise<'next'> {
    // Throws a SagaAbort on a refusal; the runner then releases the reservation.
    ctx.priced = priceCart(ctx.cart!.items, ctx.reservedPrices!);
    return Promise.resolve('next');
  }
}
