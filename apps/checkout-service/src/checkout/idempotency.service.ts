import { Injectable } from '@nestjs/common';
import { ProblemException } from '@ha-shop/service-kit';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { CheckoutEnv } from '../config/checkout.env';

export type Claim =
  /**
   * This request processes the key. `orderId` is fixed per key, so a takeover resumes the same
   * order; `lockToken` fences this claim: completing or releasing the record needs it.
   */
  | { kind: 'owner'; orderId: string; takeover: boolean; lockToken: string }
  | { kind: 'replay'; status: number; body: unknown };

/** sha256 over a canonical JSON form (keys sorted), so key order in the body does not matter. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Idempotency records of POST /checkout; the only SQL for `idempotency_record`. Claiming is
 * one INSERT ... ON CONFLICT DO NOTHING, so of any number of concurrent requests with one key exactly one runs the saga; the others
 * wait briefly for its response or get 409. Only responses about an order are stored: a
 * failure before any order exists deletes the record, so the client may fix and retry.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly ds: DataSource,
    private readonly env: CheckoutEnv,
  ) {}

  /** How long an owner holds a key before a retry may presume it crashed and take over. */
  private get leaseMs(): number {
    return this.env.CHECKOUT_DEADLINE_MS + 10_000;
  }

  async claim(scope: string, key: string, requestFingerprint: string): Promise<Claim> {
    const waitUntil = Date.now() + this.env.IDEMPOTENCY_WAIT_MS;
    for (;;) {
      const lockToken = randomUUID();
      const inserted: Array<{ orderId: string }> = await this.ds.query(
        `INSERT INTO idempotency_record (key, scope, fingerprint, status, order_id, locked_until, lock_token)
         VALUES ($1, $2, $3, 'in_progress', $4, now() + make_interval(secs => $5), $6)
         ON CONFLICT (scope, key) DO NOTHING
         RETURNING order_id AS "orderId"`,
        [key, scope, requestFingerprint, randomUUID(), this.leaseMs / 1000, lockToken],
      );
      if (inserted[0]) return { kind: 'owner', orderId: inserted[0].orderId, takeover: false, lockToken };

      const [existing]: Array<{
        fingerprint: string;
        status: string;
        responseStatus: number | null;
        responseBody: unknown;
      }> = await this.ds.query(
        `SELECT fingerprint, status, response_status AS "responseStatus", response_body AS "responseBody"
             FROM idempotency_record WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
      if (existing) {
        if (existing.fingerprint !== requestFingerprint) {
          throw new ProblemException(
            422,
            'idempotency-key-reused',
            'This Idempotency-Key was already used for a different checkout.',
          );
        }
        if (existing.status === 'completed') {
          return { kind: 'replay', status: existing.responseStatus!, body: existing.responseBody };
        }
        const [taken]: [Array<{ orderId: string }>, number] = await this.ds.query(
          `UPDATE idempotency_record
              SET locked_until = now() + make_interval(secs => $3), lock_token = $4, updated_at = now()
            WHERE scope = $1 AND key = $2 AND status = 'in_progress' AND locked_until < now()
            RETURNING order_id AS "orderId"`,
          [scope, key, this.leaseMs / 1000, lockToken],
        );
        if (taken[0]) return { kind: 'owner', orderId: taken[0].orderId, takeover: true, lockToken };
      }
      // Absent means the owner failed before creating an order and let go: loop and claim it.
      if (existing && Date.now() >= waitUntil) {
        throw new ProblemException(
          409,
          'idempotency-in-progress',
          'A checkout with this Idempotency-Key is still being processed; retry shortly.',
          {},
          { 'retry-after': '1' },
        );
      }
      if (existing) await sleep(50 + Math.random() * 50);
    }
  }

  /**
   * Stores the response, if this claim still holds the key. False when the lease ran out and a
   * retry took over: that retry now owns the record and stores its own (same order) response.
   */
  async complete(
    scope: string,
    key: string,
    lockToken: string,
    status: number,
    body: unknown,
  ): Promise<boolean> {
    const [, affected]: [unknown[], number] = await this.ds.query(
      `UPDATE idempotency_record SET status = 'completed', response_status = $4, response_body = $5::jsonb, updated_at = now()
        WHERE scope = $1 AND key = $2 AND status = 'in_progress' AND lock_token = $3`,
      [scope, key, lockToken, status, JSON.stringify(body)],
    );
    return affected > 0;
  }

  /** Lets go of a key whose request failed before creating an order, if this claim still holds it. */
  async abandon(scope: string, key: string, lockToken: string): Promise<boolean> {
    const [, affected]: [unknown[], number] = await this.ds.query(
      `DELETE FROM idempotency_record WHERE scope = $1 AND key = $2 AND status = 'in_progress' AND lock_token = $3`,
      [scope, key, lockToken],
    );
    return affected > 0;
  }

  /** Drops completed records older than the retention, a bounded batch per call; returns how many. */
  async purgeCompleted(retentionHours: number): Promise<number> {
    const [, deleted] = (await this.ds.query(
      `DELETE FROM idempotency_record WHERE (scope, key) IN (
         SELECT scope, key FROM idempotency_record
          WHERE status = 'completed' AND created_at < now() - make_interval(hours => $1)
          LIMIT 1000 FOR UPDATE SKIP LOCKED)`,
      [retentionHours],
    )) as [unknown, number];
    return deleted;
  }
}
