import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { withSpan } from '@ha-shop/observability';
import { CheckoutEnv } from '../config/checkout.env';
import { CancelledChargeSweeper } from './cancelled-charge.sweeper';
import { IdempotencyPurgePass } from './idempotency-purge.pass';
import { PaymentRetryPass } from './payment-retry.pass';
import { StockSyncPass } from './stock-sync.pass';

/**
 * Runs the recovery passes every PAYMENT_RETRY_INTERVAL_MS (when PAYMENT_RETRY_WORKER_ENABLED),
 * one whole pass at a time: a tick that comes while a pass runs is skipped, not stacked. On
 * shutdown it stops the timer and waits for the running pass, which stops early where it can.
 */
@Injectable()
export class RecoveryScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RecoveryScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly stopping = new AbortController();

  constructor(
    private readonly paymentRetry: PaymentRetryPass,
    private readonly cancelledCharges: CancelledChargeSweeper,
    private readonly stockSync: StockSyncPass,
    private readonly idempotencyPurge: IdempotencyPurgePass,
    private readonly env: CheckoutEnv,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.env.PAYMENT_RETRY_WORKER_ENABLED) return;
    this.timer = setInterval(() => void this.tick(), this.env.PAYMENT_RETRY_INTERVAL_MS);
    // Never the reason the process stays alive.
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass; overlapping timer ticks are skipped rather than stacked. */
  tick(): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    // A span per pass, so the pass's log lines and queries carry one trace id.
    this.running ??= withSpan('checkout-recovery pass', async () => {
      try {
        await this.paymentRetry.run();
        await this.cancelledCharges.sweep();
        await this.stockSync.run(this.stopping.signal);
        await this.idempotencyPurge.runIfDue();
      } catch (err) {
        this.logger.warn({ err }, 'recovery pass failed; next pass retries');
      } finally {
        this.running = undefined;
      }
    });
    return this.running;
  }
}
