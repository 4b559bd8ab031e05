import { Logger } from '@nestjs/common';
import { ProblemException } from '@ha-shop/service-kit';
import { CartItemRow, CartRow } from '../carts/cart.repository';
import { ChargeOutcome, PriceList, UnitPrice } from '../clients/client-types';
import { OrderRow, ShippingAddress } from '../orders/order.row';
import { CardDetails } from './card-vault';
import type { PricedCart } from './pricing';

export interface CheckoutContext {
  orderId: string;
  // The deadline (no step waits past it) and the customer it acts for are the RequestContext's.
  buyer: { userId: string | null; email: string | null };
  /** Absent when a resumed order's card cannot be opened (sealed by another key); it can then only be cancelled. */
  card?: CardDetails;
  /** Present when the saga starts from the cart; absent when the worker resumes an order. */
  cart?: { row: CartRow; items: CartItemRow[] };
  shippingAddress?: ShippingAddress;
  /** The authoritative prices the reservation answered with (its first answer, on a replay). */
  reservedPrices?: PriceList<UnitPrice>;
  priced?: PricedCart;
  order?: OrderRow;
  charge?: ChargeOutcome;
  /** Set when a retry worker resumes the order under its claim on the pending_payment row. */
  claim?: { attempts: number };
  /** Steps whose compensation failed: what they did is left for the worker, a retry or a TTL. */
  uncompensated?: SagaStep['name'][];
}

export type SagaOutcome =
  | { kind: 'paid'; order: OrderRow }
  | { kind: 'payment-failed'; order: OrderRow }
  | { kind: 'parked'; order: OrderRow }
  | { kind: 'cancelled'; order: OrderRow };

export type AbortReason = 'rejected' | 'declined' | 'unavailable' | 'order-moved-on';

/** Ends the forward path; the runner compensates every completed step, newest first. */
export class SagaAbort extends Error {
  constructor(
    readonly reason: AbortReason,
    /** The client-facing answer when no order exists yet. */
    readonly problem?: ProblemException,
  ) {
    super(problem?.message ?? reason);
  }
}

export interface SagaStep {
  name: 'price' | 'reserve' | 'createOrder' | 'charge' | 'confirm';
  /** Resolves 'next' to continue, or an outcome to stop here without compensating (parked, already final). */
  run(ctx: CheckoutContext): Promise<'next' | SagaOutcome>;
  /** Undoes the step; idempotent, so running it after a crash or twice is harmless. */
  compensate?(ctx: CheckoutContext, reason: AbortReason): Promise<void>;
  /** Compensate even when this step itself failed: its effect is uncertain (e.g. a timed-out reservation). */
  compensateOnFailure?: boolean;
}

export function outcomeOf(order: OrderRow): SagaOutcome {
  switch (order.status) {
    case 'PENDING_PAYMENT':
      return { kind: 'parked', order };
    case 'PAYMENT_FAILED':
      return { kind: 'payment-failed', order };
    case 'CANCELLED':
      return { kind: 'cancelled', order };
    default:
      return { kind: 'paid', order };
  }
}

/** A client-facing refusal before any order exists (out of stock, empty cart, ...). */
export function reject(
  status: number,
  slug: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): SagaAbort {
  return new SagaAbort('rejected', new ProblemException(status, slug, detail, extensions));
}

/**
 * Runs saga steps forward and, when one aborts, the compensations of the completed ones
 * newest first. Once the order exists, an unexpected error (not a SagaAbort) compensates
 * nothing: the order stays parked for the retry worker.
 */
export class SagaRunner {
  private readonly logger = new Logger('CheckoutSaga');

  constructor(private readonly reload: (orderId: string) => Promise<OrderRow | undefined>) {}

  async run(
    ctx: CheckoutContext,
    steps: readonly SagaStep[],
    alreadyDone: readonly SagaStep[],
  ): Promise<SagaOutcome> {
    const done = [...alreadyDone];
    for (const step of steps) {
      let result: 'next' | SagaOutcome;
      try {
        result = await step.run(ctx);
      } catch (err) {
        if (!(err instanceof SagaAbort) && ctx.order) {
          // Whether the charge happened is unknown after e.g. a database blip: cancelling could lose
          // a payment, so the order stays parked and the worker charges again with the same key.
          this.logger.error(
            { err, orderId: ctx.orderId, step: step.name },
            'saga step failed; the order stays parked',
          );
          return outcomeOf((await this.reload(ctx.order.id)) ?? ctx.order);
        }
        const reason: AbortReason = err instanceof SagaAbort ? err.reason : 'unavailable';
        await this.compensate(ctx, step.compensateOnFailure ? [...done, step] : done, reason);
        if (ctx.order) return outcomeOf((await this.reload(ctx.order.id)) ?? ctx.order);
        throw err;
      }
      done.push(step);
      if (result !== 'next') return result;
    }
    return outcomeOf(ctx.order!);
  }

  async compensate(ctx: CheckoutContext, done: readonly SagaStep[], reason: AbortReason): Promise<void> {
    for (const step of [...done].reverse()) {
      if (!step.compensate) continue;
      try {
        await step.compensate(ctx, reason);
      } catch (err) {
        // Never mask the original failure; what is left is settled by the worker, a retry or the reservation TTL.
        this.logger.error({ err, orderId: ctx.orderId, step: step.name }, 'compensation failed');
        (ctx.uncompensated ??= []).push(step.name);
      }
    }
  }
}
