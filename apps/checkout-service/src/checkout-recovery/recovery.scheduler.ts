import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '@ha-shop/service-kit';
import { CheckoutEnv } from '../config/checkout.env';
import { CancelledChargeSweeper } from './cancelled-charge.sweeper';
import { IdempotencyPurgePass } from './idempotency-purge.pass';
import { PaymentRetryPass } from './payment-retry.pass';
import { StockSyncPass } from './stock-sync.pass';

/**
 * Runs the recovery passes every PAYMENT_RETRY_INTERVAL_MS (when PAYMENT_RETRY_WORKER_ENABLED),
 * one whole pass at a time. On shutdown it stops the timer and waits for the running pass, which
 * stops early where it can.
 */
@Injectable()
export class RecoveryScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RecoveryScheduler.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly paymentRetry: PaymentRetryPass,
    private readonly cancelledCharges: CancelledChargeSweeper,
    private readonly stockSync: StockSyncPass,
    private readonly idempotencyPurge: IdempotencyPurgePass,
    private readonly env: CheckoutEnv,
  ) {
    this.task = new PeriodicTask({
      name: 'checkout-recovery pass',
      everyMs: env.PAYMENT_RETRY_INTERVAL_MS,
      run: (signal) => this.pass(signal),
      onError: (err) => this.logger.warn({ err }, 'recovery pass failed; next pass retries'),
    });
  }

  onApplicationBootstrap(): void {
    if (this.env.PAYMENT_RETRY_WORKER_ENABLED) this.task.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  private async pass(signal: AbortSignal): Promise<void> {
    await this.paymentRetry.run();
    await this.cancelledCharges.sweep();
    await this.stockSync.run(signal);
    await this.idempotencyPurge.runIfDue();
  }
}
