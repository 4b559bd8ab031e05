import { Injectable } from '@nestjs/common';
import { IdempotencyService } from '../checkout/idempotency.service';

/** Retention is counted in hours: checking about once a minute is plenty. */
const PURGE_EVERY_MS = 60_000;

/** Drops idempotency records past IDEMPOTENCY_RETENTION_HOURS, in bounded batches. */
@Injectable()
export class IdempotencyPurgePass {
  private lastRun = 0;

  constructor(private readonly idempotency: IdempotencyService) {}

  /** Purges when the last purge is more than a minute ago; the number of records dropped, else 0. */
  async runIfDue(): Promise<number> {
    if (Date.now() - this.lastRun <= PURGE_EVERY_MS) return 0;
    this.lastRun = Date.now();
    return this.idempotency.purgeExpired();
  }
}
