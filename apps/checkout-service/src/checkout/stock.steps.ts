import { Injectable, Logger } from '@nestjs/common';
import { RequestContext } from '@ha-shop/service-kit';
import { ProductClient } from '../clients/product.client';
import { CheckoutEnv, reservationTtlSeconds } from '../config/checkout.env';
import { reservationKeyFor } from '../orders/order-keys';
import { OrderRepository } from '../orders/order.repository';
import { OrderRow } from '../orders/order.row';
import { CheckoutContext, reject } from './saga-runner';

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

  async reserve(ctx: CheckoutContext): Promise<'next'> {
    const items = ctx.priced!.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
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
        skus: result.skus,
      });
    }
    if (result.outcome === 'conflict') throw reject(409, 'reservation-conflict', result.detail);
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
