import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EVENTS, OutboxService } from '@ha-shop/events';

// Views beyond this many unfinished writes are dropped: analytics must never queue up
// behind (or take pool connections from) shopping when the database is slow.
const MAX_IN_FLIGHT = 4;

/** Best-effort `product.viewed` events, written after the read in a transaction of their own. */
@Injectable()
export class ProductViewRecorder implements OnModuleDestroy {
  private readonly logger = new Logger(ProductViewRecorder.name);
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly outbox: OutboxService) {}

  record(product: { id: string; slug: string }, userId: string | undefined): void {
    if (this.inFlight.size >= MAX_IN_FLIGHT) {
      this.logger.debug({ slug: product.slug }, 'product.viewed dropped: too many writes in flight');
      return;
    }
    const write = this.outbox
      .appendStandalone({
        type: EVENTS.productViewed,
        aggregateId: product.id,
        payload: { productId: product.id, slug: product.slug, userId: userId ?? null },
      })
      .catch((err: unknown) => this.logger.debug({ err, slug: product.slug }, 'product.viewed not recorded'))
      .finally(() => this.inFlight.delete(write));
    this.inFlight.add(write);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
