import { Injectable } from '@nestjs/common';
import { IdempotencyLease, IdempotencyStore } from '@ha-shop/database';
import { DataSource } from 'typeorm';
import { CheckoutEnv } from '../config/checkout.env';

export type Claim =
  /** This request processes the key; `orderId` is the key's resource id, fixed at its first claim. */
  ({ kind: 'owner'; orderId: string } & IdempotencyLease) | { kind: 'replay'; status: number; body: unknown };

/**
 * Idempotency records of POST /checkout (`idempotency_record`, written by the shared store alone),
 * scoped per customer or guest cart. Only responses about an order are stored. A refusal before
 * any order exists releases the record, so the client may fix the cart and retry with the key; an
 * outage before it keeps the record (and its order id) for the retry of the same request.
 */
@Injectable()
export class IdempotencyService {
  private readonly store: IdempotencyStore;

  constructor(ds: DataSource, env: CheckoutEnv) {
    this.store = new IdempotencyStore(ds, {
      table: 'idempotency_record',
      // Past the checkout's own deadline, the holder has answered or is gone.
      leaseMs: env.CHECKOUT_DEADLINE_MS + 10_000,
      ttlSeconds: env.IDEMPOTENCY_RETENTION_HOURS * 3600,
      waitMs: env.IDEMPOTENCY_WAIT_MS,
      subject: 'checkout',
    });
  }

  async claim(scope: string, key: string, requestFingerprint: string): Promise<Claim> {
    const claim = await this.store.claim(scope, key, requestFingerprint);
    if (claim.kind === 'replay')
      return { kind: 'replay', status: claim.status, body: JSON.parse(claim.body) };
    return { ...claim, orderId: claim.resourceId };
  }

  /** False when the lease ran out and a retry took over: that retry stores its (same order) response. */
  complete(scope: string, key: string, lockToken: string, status: number, body: unknown): Promise<boolean> {
    return this.store.complete({ scope, key, lockToken }, { status, body: JSON.stringify(body) });
  }

  /** Lets go of a key whose request failed before creating an order, if this claim still holds it. */
  abandon(scope: string, key: string, lockToken: string): Promise<boolean> {
    return this.store.release({ scope, key, lockToken });
  }

  /**
   * Lets a retry of the same request take the key over at once, keeping its order id: after an
   * outage the first attempt may have left a reservation under that id, which the retry reuses.
   */
  suspend(scope: string, key: string, lockToken: string): Promise<boolean> {
    return this.store.endLease({ scope, key, lockToken });
  }

  /** Drops records past IDEMPOTENCY_RETENTION_HOURS; returns how many. */
  purgeExpired(): Promise<number> {
    return this.store.purgeExpired();
  }
}
