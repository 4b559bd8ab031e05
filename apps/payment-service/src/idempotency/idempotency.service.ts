import { Injectable, Logger } from '@nestjs/common';
import { HeldKey, IdempotencyStore, StoredResponse } from '@ha-shop/database';
import { DataSource, EntityManager } from 'typeorm';
import { PaymentEnv } from '../config/payment.env';
import { RequestFingerprint } from './fingerprint';

export type { StoredResponse } from '@ha-shop/database';

export interface IdempotentResult extends StoredResponse {
  replayed: boolean;
}

/** Held by the one request processing a key; `complete` must run inside its business transaction. */
export interface KeyLock {
  complete(manager: EntityManager, response: StoredResponse): Promise<void>;
}

/** Payment-service has no customers of its own: every caller's keys share one scope. */
const SCOPE = 'internal';

/**
 * Stripe-like idempotency keys on the shared store (`idempotency_key`). Completing a key happens
 * in the same transaction as the business change, so a key is completed if and only if its
 * payment (or refund) exists. Only completed operations are recorded: on any error the key is
 * released and the client may retry with the same key.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);
  private readonly store: IdempotencyStore;

  constructor(ds: DataSource, env: PaymentEnv) {
    this.store = new IdempotencyStore(ds, {
      table: 'idempotency_key',
      // Must exceed the longest charge, including PAYMENT_LATENCY_MS.
      leaseMs: env.IDEMPOTENCY_LOCK_TIMEOUT_MS,
      ttlSeconds: env.IDEMPOTENCY_KEY_TTL_SECONDS,
      // A caller retries a 409 after Retry-After; holding its request open would only tie up a connection.
      waitMs: 0,
      subject: 'request',
    });
  }

  async execute(
    key: string,
    fingerprint: RequestFingerprint,
    work: (lock: KeyLock) => Promise<StoredResponse>,
  ): Promise<IdempotentResult> {
    const claim = await this.store.claim(SCOPE, key, fingerprint.current, fingerprint.former);
    if (claim.kind === 'replay') return { status: claim.status, body: claim.body, replayed: true };
    try {
      const lock: KeyLock = {
        complete: (manager, response) => this.store.completeWithin(manager, claim, response),
      };
      return { ...(await work(lock)), replayed: false };
    } catch (err) {
      await this.release(claim);
      throw err;
    }
  }

  /** Deletes expired keys in bounded batches; returns how many went. */
  purgeExpired(): Promise<number> {
    return this.store.purgeExpired();
  }

  private async release(held: HeldKey): Promise<void> {
    try {
      await this.store.release(held);
    } catch (err) {
      // The key stays in progress until IDEMPOTENCY_LOCK_TIMEOUT_MS, then a retry takes it over.
      this.logger.warn({ err }, 'could not release an idempotency key');
    }
  }
}
