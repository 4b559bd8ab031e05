import { Injectable, Logger } from '@nestjs/common';
import { RequestContext, ServiceUnavailableProblem } from '@ha-shop/service-kit';
import { ProductClient } from '../clients/product.client';
import { CheckoutEnv, reservationTtlSeconds } from '../config/checkout.env';
import { reservationKeyFor } from '../orders/order-keys';
import { OrderRepository } from '../orders/order.repository';
import { OrderRow } from '../orders/order.row';
import { CheckoutContext, reject, SagaAbort } from './saga-runner';

/** Least time a release, and a commit, get past the caller's deadline. */
const RELEASE_BUDGET_MS = 1000;
const COMMIT_BUDGET_MS = 2000;

/**
 * The saga's stock steps at product-service, under the order's reservation key: reserve, its
 * compensation (release), and the commit once the order is paid. What they cannot settle is
 * left to the recovery's stock sync (`stock_sync_at`) or the reservation's TTL.
 */
@Injectable()
export class StockSteps {
  private readonly logger = new Logger(StockSteps.name);

  constructor(
    private readonly product: ProductClient,
    private readonly orders: OrderRepository,
    private readonly env: CheckoutEnv,
  ) {}

  /**
   * Reserves the cart's lines and keeps the prices the reservation answered with: one call to
   * product-service prices and reserves (the price step then only computes).
   */
  async reserve(ctx: CheckoutContext): Promise<'next'> {
    const items = ctx.cart!.items.map((i) => ({ sku: i.sku, quantity: i.quantity }));
    const result = await this.product.reserve(
      reservationKeyFor(ctx.orderId),
      items,
      reservationTtlSeconds(this.env),
    );
    if (result.outcome === 'out-of-stock') {
      throw reject(409, 'out-of-stock', 'Some items are out of stock.', { skus: result.skus });
    }
    if (result.outcome === 'unknown-sku') {
      throw reject(422, 'unknown-sku', 'Some items no longer exist; remove them from the cart.', {
        skus: inCartOrder(items, result.skus),
      });
    }
    if (result.outcome === 'sku-unavailable') {
      throw reject(422, 'sku-unavailable', 'Some items are no longer on sale; remove them from the cart.', {
        skus: inCartOrder(items, result.skus),
      });
    }
    if (result.outcome === 'conflict') throw reject(409, 'reservation-conflict', result.detail);
    if (result.outcome === 'gone') {
      // An earlier attempt's reservation under this order's key, given back (its release answered too
      // late, or it expired): nothing is held, but this order id cannot reserve again. An outage to
      // the client: the key is let go, so its retry starts afresh under a new order id.
      throw new SagaAbort(
        'unavailable',
        new ServiceUnavailableProblem(
          `The stock reservation of this checkout was ${result.status}; retry the checkout.`,
          1,
          { dependency: 'product', reason: 'reservation-gone' },
        ),
      );
    }
    // A product-service replica older than prices in the answer (during a rollout): ask for them.
    // A failure here still releases the reservation (reserve compensates on failure).
    ctx.reservedPrices = result.prices ?? (await this.product.prices(items.map((i) => i.sku)));
    return 'next';
  }

  async release(ctx: CheckoutContext): Promise<void> {
    let outcome;
    try {
      // Clean-up: done even when the caller has given up.
      outcome = await RequestContext.outlivingCaller(RELEASE_BUDGET_MS, () =>
        this.product.release(reservationKeyFor(ctx.orderId)),
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

  /** Best effort within the request; the worker commits whatever is left 'reserved' on a paid order. */
  async commit(order: OrderRow): Promise<void> {
    try {
      const outcome = await RequestContext.outlivingCaller(COMMIT_BUDGET_MS, () =>
        this.product.commit(order.reservationKey),
      );
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

/** The cart's order, as the separate price step named them (product-service answers them sorted). */
function inCartOrder(items: ReadonlyArray<{ sku: string }>, skus: string[]): string[] {
  const named = new Set(skus);
  return items.map((i) => i.sku).filter((sku) => named.has(sku));
}
