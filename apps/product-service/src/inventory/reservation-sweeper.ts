import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { withSpan } from '@ha-shop/observability';
import { ProductEnv } from '../config/product.env';
import { ReservationService } from './reservation.service';

// One tick drains at most this many batches, so a huge backlog can't hog the pool.
const MAX_BATCHES_PER_TICK = 20;

/** Runs in every replica; the sweep itself is safe to run concurrently (see sweepExpired). */
@Injectable()
export class ReservationSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReservationSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly reservations: ReservationService,
    private readonly env: ProductEnv,
  ) {}

  onApplicationBootstrap(): void {
    // unref: a pending sweep never keeps the process (or a test run) alive.
    this.timer = setInterval(() => this.tick(), this.env.SWEEPER_INTERVAL_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs one sweep now unless one is already running; resolves when it is done. */
  tick(): Promise<void> {
    // A span per sweep, so its log lines and queries carry one trace id.
    this.running ??= withSpan('reservation sweep', () => this.sweep()).finally(
      () => (this.running = undefined),
    );
    return this.running;
  }

  private async sweep(): Promise<void> {
    try {
      let total = 0;
      for (let i = 0; i < MAX_BATCHES_PER_TICK && this.timer; i++) {
        const n = await this.reservations.sweepExpired(this.env.SWEEPER_BATCH_SIZE);
        total += n;
        if (n < this.env.SWEEPER_BATCH_SIZE) break;
      }
      if (total > 0) this.logger.log({ expired: total }, 'expired reservations released');
    } catch (err) {
      // The database being away is not this worker's problem to report loudly; the next tick retries.
      this.logger.warn({ err }, 'reservation sweep failed');
    }
  }
}
