import { Injectable, Logger } from '@nestjs/common';
import { ProblemException } from '@ha-shop/service-kit';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { PaymentEnv } from '../config/payment.env';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

/** A response as sent and as replayed: the status and the exact JSON text. */
export interface StoredResponse {
  status: number;
  body: string;
}

export interface IdempotentResult extends StoredResponse {
  replayed: boolean;
}

/** Held by the one request processing a key; `complete` must run inside its business transaction. */
export interface KeyLock {
  complete(manager: EntityManager, response: StoredResponse): Promise<void>;
}

const inProgress = () =>
  new ProblemException(
    409,
    'idempotency-in-progress',
    'A request with this Idempotency-Key is still being processed; retry after a moment.',
    {},
    { 'retry-after': '1' },
  );

/**
 * Stripe-like idempotency keys. Claiming a key is one atomic statement, so of any number of
 * concurrent requests exactly one processes; completing it happens in the same transaction as
 * the business change, so a key is completed if and only if its payment (or refund) exists.
 * Only completed operations are recorded: on any error the key is released and the client may
 * retry with the same key.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly env: PaymentEnv,
  ) {}

  async execute(
    key: string,
    fingerprint: string,
    work: (lock: KeyLock) => Promise<StoredResponse>,
  ): Promise<IdempotentResult> {
    // Two rounds: the key may be released by a failing owner between our claim and our read.
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = randomUUID();
      if (await this.claim(key, fingerprint, token)) {
        try {
          return { ...(await work(this.lockFor(key, token))), replayed: false };
        } catch (err) {
          await this.release(key, token);
          throw err;
        }
      }
      const existing = await this.dataSource.getRepository(IdempotencyKeyEntity).findOneBy({ key });
      if (!existing) continue;
      if (existing.fingerprint !== fingerprint) {
        throw new ProblemException(
          422,
          'idempotency-key-reused',
          'This Idempotency-Key was already used for a different request.',
        );
      }
      if (
        existing.state === 'completed' &&
        existing.responseStatus !== null &&
        existing.responseBody !== null
      ) {
        return { status: existing.responseStatus, body: existing.responseBody, replayed: true };
      }
      throw inProgress();
    }
    throw inProgress();
  }

  /**
   * Inserts the key as in progress. Takes over an existing row only when it has expired, or when
   * it is an identical request held longer than IDEMPOTENCY_LOCK_TIMEOUT_MS (its owner crashed).
   */
  private async claim(key: string, fingerprint: string, token: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_key AS k (key, fingerprint, state, lock_token, locked_at, created_at, expires_at)
       VALUES ($1, $2, 'in_progress', $3, now(), now(), now() + make_interval(secs => $4))
       ON CONFLICT (key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, state = 'in_progress', lock_token = EXCLUDED.lock_token,
             locked_at = now(), response_status = NULL, response_body = NULL, created_at = now(),
             completed_at = NULL, expires_at = EXCLUDED.expires_at
         WHERE k.expires_at <= now()
            OR (k.state = 'in_progress' AND k.fingerprint = EXCLUDED.fingerprint
                AND k.locked_at < now() - make_interval(secs => $5))
       RETURNING k.key`,
      [
        key,
        fingerprint,
        token,
        this.env.IDEMPOTENCY_KEY_TTL_SECONDS,
        this.env.IDEMPOTENCY_LOCK_TIMEOUT_MS / 1000,
      ],
    );
    return rows.length === 1;
  }

  private lockFor(key: string, token: string): KeyLock {
    return {
      complete: async (manager, response) => {
        const result = await manager
          .createQueryBuilder()
          .update(IdempotencyKeyEntity)
          .set({
            state: 'completed',
            responseStatus: response.status,
            responseBody: response.body,
            completedAt: () => 'now()',
          })
          .where('key = :key AND lock_token = :token AND state = :state', {
            key,
            token,
            state: 'in_progress',
          })
          .execute();
        // Someone took the key over (we were presumed dead): roll our change back.
        if (result.affected !== 1) throw inProgress();
      },
    };
  }

  private async release(key: string, token: string): Promise<void> {
    try {
      await this.dataSource.query('DELETE FROM idempotency_key WHERE key = $1 AND lock_token = $2', [
        key,
        token,
      ]);
    } catch (err) {
      // The key stays in progress until IDEMPOTENCY_LOCK_TIMEOUT_MS, then a retry takes it over.
      this.logger.warn({ err }, 'could not release an idempotency key');
    }
  }

  /** Deletes expired keys in batches; returns how many went. */
  async purgeExpired(batchSize = 1000): Promise<number> {
    let total = 0;
    for (;;) {
      const [, deleted] = (await this.dataSource.query(
        `DELETE FROM idempotency_key WHERE key IN (
           SELECT key FROM idempotency_key WHERE expires_at <= now() LIMIT $1 FOR UPDATE SKIP LOCKED)`,
        [batchSize],
      )) as [unknown[], number];
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }
}
