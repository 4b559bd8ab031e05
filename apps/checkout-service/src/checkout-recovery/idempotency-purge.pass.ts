import { Injectable } from '@nestjs/common';
import { IdempotencyService } from '../checkout/idempotency.service';
import { CheckoutEnv } from '../config/checkout.env';

/** Retention is counted in hours: checking about once a minute is plenty. */
const PURGE_EVERY_MS = 60_000;

/** Drops completed idempotency records past IDEMPOTENCY_RETENTION_HOURS, a bounded batch per run. */
@Injectable()
export class IdempotencyPurgePass {
  private lastRun = 0;

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly env: CheckoutEnv,
  ) {}

  /** Purges when the last purge is more than a minute ago; the number of records dropped, else 0. */
  async runIfDue(): Promise<number> {
    if (Date.now() - this.lastRun <= PURGE_EVERY_MS) return 0;
    this.lastRun = Date.now();
    return this.idempotency.purgeCompleted(this.env.IDEMPOTENCY_RETENTION_HOURS);
  }
}
