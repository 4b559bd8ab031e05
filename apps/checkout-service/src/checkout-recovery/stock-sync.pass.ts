import { Injectable, Logger } from '@nestjs/common';
import { isDependencyUnavailable } from '@ha-shop/resilience';
import { RequestContext } from '@ha-shop/service-kit';
import { ProductClient } from '../clients/product.client';
import { CheckoutEnv } from '../config/checkout.env';
import { OrderRepository } from '../orders/order.repository';
import { ReservationStatus } from '../orders/order.row';
import { OrderStatus } from '../orders/order.state-machine';

const SOLD: OrderStatus[] = ['PAID', 'FULFILLED', 'REFUNDED'];
/** How long a claimed order is left to this pass before another replica may settle it. */
const STOCK_RETRY_SECONDS = 10;
/** Budget of one commit or release. */
const SETTLE_BUDGET_MS = 3000;

/**
 * Settles reservations of finished orders still marked 'reserved' (product-service was out when
 * the saga tried): committed for paid orders, released for failed or cancelled ones.
 */
@Injectable()
export class StockSyncPass {
  private readonly logger = new Logger(StockSyncPass.name);

  constructor(
    private readonly orders: OrderRepository,
    private readonly product: ProductClient,
    private readonly env: CheckoutEnv,
  ) {}

  /** The number of orders claimed; stops between orders once `stopping` is aborted. */
  async run(stopping?: AbortSignal): Promise<number> {
    const rows = await this.orders.claimUnsettledStock(
      this.env.PAYMENT_RETRY_BATCH_SIZE,
      STOCK_RETRY_SECONDS,
    );
    for (const row of rows) {
      if (stopping?.aborted) break;
      const sold = SOLD.includes(row.status);
      try {
        // The worker acting as itself, with its own budget per order.
        const outcome = await RequestContext.run({ deadline: Date.now() + SETTLE_BUDGET_MS }, () =>
          sold ? this.product.commit(row.reservationKey) : this.product.release(row.reservationKey),
        );
        let status: ReservationStatus = sold ? 'committed' : 'released';
        if (outcome !== 'done') {
          // commit of a released/expired-and-gone reservation, or release of a committed one: record the truth.
          this.logger.error(
            { orderId: row.id, orderStatus: row.status, outcome },
            'reservation could not be settled as expected',
          );
          if (outcome === 'conflict') status = sold ? 'released' : 'committed';
          if (outcome === 'not-found') status = 'released';
        }
        await this.orders.setReservationStatus(row.id, status);
      } catch (err) {
        if (!isDependencyUnavailable(err)) throw err;
      }
    }
    return rows.length;
  }
}
