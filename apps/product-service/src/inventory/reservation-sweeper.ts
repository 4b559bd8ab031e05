import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '@ha-shop/service-kit';
import { ProductEnv } from '../config/product.env';
import { ReservationService } from './reservation.service';

// One tick drains at most this many batches, so a huge backlog can't hog the pool.
const MAX_BATCHES_PER_TICK = 20;

/** Runs in every replica; the sweep itself is safe to run concurrently (see sweepExpired). */
@Injectable()
export class ReservationSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReservationSweeper.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly reservations: ReservationService,
    private readonly env: ProductEnv,
  ) {
    this.task = new PeriodicTask({
      name: 'reservation sweep',
      everyMs: env.SWEEPER_INTERVAL_MS,
      run: (signal) => this.sweep(signal),
      // The database being away is not this worker's problem to report loudly; the next tick retries.
      onError: (err) => this.logger.warn({ err }, 'reservation sweep failed'),
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  private async sweep(signal: AbortSignal): Promise<void> {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES_PER_TICK && !signal.aborted; i++) {
      const n = await this.reservations.sweepExpired(this.env.SWEEPER_BATCH_SIZE);
      total += n;
      if (n < this.env.SWEEPER_BATCH_SIZE) break;
    }
    if (total > 0) this.logger.log({ expired: total }, 'expired reservations released');
  }
}
