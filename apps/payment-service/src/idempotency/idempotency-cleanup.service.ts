import { Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@ha-shop/service-kit';
import { PaymentEnv } from '../config/payment.env';
import { IdempotencyService } from './idempotency.service';

/** Deletes expired idempotency keys on an interval. Every replica runs it; deletes are idempotent. */
@Injectable()
export class IdempotencyCleanupService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IdempotencyCleanupService.name);
  private readonly task: PeriodicTask;

  constructor(idempotency: IdempotencyService, env: PaymentEnv) {
    this.task = new PeriodicTask({
      name: 'idempotency cleanup',
      everyMs: env.IDEMPOTENCY_CLEANUP_INTERVAL_MS,
      run: async () => {
        const deleted = await idempotency.purgeExpired();
        if (deleted > 0) this.logger.log({ deleted }, 'expired idempotency keys deleted');
      },
      onError: (err) => this.logger.warn({ err }, 'idempotency key cleanup failed; will retry'),
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
