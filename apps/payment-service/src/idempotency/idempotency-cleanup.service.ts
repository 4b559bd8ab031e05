import { Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { withSpan } from '@ha-shop/observability';
import { PaymentEnv } from '../config/payment.env';
import { IdempotencyService } from './idempotency.service';

/** Deletes expired idempotency keys on an interval. Every replica runs it; deletes are idempotent. */
@Injectable()
export class IdempotencyCleanupService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IdempotencyCleanupService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly env: PaymentEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.env.IDEMPOTENCY_CLEANUP_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    // A span per pass, so its log lines and queries carry one trace id.
    this.running = withSpan('idempotency cleanup', () => this.idempotency.purgeExpired())
      .then((n) => {
        if (n > 0) this.logger.log({ deleted: n }, 'expired idempotency keys deleted');
      })
      .catch((err: unknown) => this.logger.warn({ err }, 'idempotency key cleanup failed; will retry'))
      .finally(() => (this.running = undefined));
  }
}
