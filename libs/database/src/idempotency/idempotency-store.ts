import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { IdempotencySubject, inProgressProblem, keyReusedProblem } from './idempotency-problems';

export interface IdempotencyStoreOptions {
  /** The service's idempotency table; every service's has the same columns (see its migrations). */
  table: string;
  /** How long a holder keeps a key before a retry may presume it crashed and take over. */
  leaseMs: number;
  /** How long after its first claim a key counts: replays until then, is new again afterwards. */
  ttlSeconds: number;
  /** How long a claim waits for the holder's response before answering 409 (0: at once). */
  waitMs: number;
  subject: IdempotencySubject;
}

/** Held by the one request processing a key; the lock token fences every later write of the row. */
export interface IdempotencyLease {
  scope: string;
  key: string;
  lockToken: string;
  /** Fixed when the key is first claimed, so a takeover resumes the very same resource. */
  resourceId: string;
  /** True when this claim took the key over from a holder whose lease ran out. */
  takeover: boolean;
}

/** A response as sent and as replayed: the status and the exact JSON text. */
export interface StoredResponse {
  status: number;
  body: string;
}

/** What fences a write after the claim: the key and the lock token of the claim that holds it. */
export type HeldKey = Pick<IdempotencyLease, 'scope' | 'key' | 'lockToken'>;

export type IdempotencyClaim = ({ kind: 'owner' } & IdempotencyLease) | ({ kind: 'replay' } & StoredResponse);

interface ExistingRow {
  fingerprint: string;
  status: 'in_progress' | 'completed';
  responseStatus: number | null;
  responseBody: string | null;
}

/**
 * The one repository of an idempotency table: all of its SQL is here. Claiming is one
 * INSERT ... ON CONFLICT, so of any number of concurrent requests with one key exactly one holds
 * it; the others replay its stored response, wait briefly for it, or get 409. Every write after
 * the claim names the claim's lock token, so a holder whose lease ran out can neither complete
 * nor release the record of the retry that took over.
 */
export class IdempotencyStore {
  private readonly table: string;

  constructor(
    private readonly ds: DataSource,
    private readonly options: IdempotencyStoreOptions,
  ) {
    // The name goes into SQL text, so it must be a plain identifier.
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.table)) throw new Error(`bad table name ${options.table}`);
    this.table = options.table;
  }

  /**
   * Holds the key for this request, or answers with what is stored for it. 422 when the key came
   * with another fingerprint; `formerFingerprint` also matches, for rows fingerprinted the way a
   * service did before (they expire within one TTL).
   */
  async claim(
    scope: string,
    key: string,
    requestFingerprint: string,
    formerFingerprint?: string,
  ): Promise<IdempotencyClaim> {
    const waitUntil = Date.now() + this.options.waitMs;
    const accepted = formerFingerprint ? [requestFingerprint, formerFingerprint] : [requestFingerprint];
    for (;;) {
      const lockToken = randomUUID();
      const fresh = await this.insertOrRenew(scope, key, requestFingerprint, lockToken);
      if (fresh) return { kind: 'owner', scope, key, lockToken, resourceId: fresh, takeover: false };

      const existing = await this.find(scope, key);
      // Absent: its holder failed before creating anything and let go; claim it on the next round.
      if (!existing) continue;
      if (!accepted.includes(existing.fingerprint)) throw keyReusedProblem(this.options.subject);
      if (existing.status === 'completed') {
        return { kind: 'replay', status: existing.responseStatus!, body: existing.responseBody! };
      }
      const taken = await this.takeOver(scope, key, accepted, requestFingerprint, lockToken);
      if (taken) return { kind: 'owner', scope, key, lockToken, resourceId: taken, takeover: true };
      if (Date.now() >= waitUntil) throw inProgressProblem(this.options.subject);
      await sleep(50 + Math.random() * 50);
    }
  }

  /**
   * Stores the response, if this lease still holds the key. False when the lease ran out and a
   * retry took over: that retry now owns the record and stores its own response.
   */
  async complete(lease: HeldKey, response: StoredResponse): Promise<boolean> {
    return this.completeWith(this.ds.manager, lease, response);
  }

  /**
   * Completes the key inside the caller's transaction, so the key is completed if and only if the
   * business change commits. Throws 409 when the lease was lost, which rolls that change back.
   */
  async completeWithin(manager: EntityManager, lease: HeldKey, response: StoredResponse): Promise<void> {
    if (!(await this.completeWith(manager, lease, response))) throw inProgressProblem(this.options.subject);
  }

  /** Lets go of a key whose request produced nothing to replay, if this lease still holds it. */
  async release(lease: HeldKey): Promise<boolean> {
    const [, affected] = (await this.ds.query(
      `DELETE FROM ${this.table} WHERE scope = $1 AND key = $2 AND status = 'in_progress' AND lock_token = $3`,
      [lease.scope, lease.key, lease.lockToken],
    )) as [unknown[], number];
    return affected > 0;
  }

  /**
   * Ends this lease but keeps the key and its resource id, so a retry of the same request takes
   * it over at once and works on the same resource (e.g. the same reservation key) instead of
   * starting a second one beside whatever the failed attempt may have left behind.
   */
  async endLease(lease: HeldKey): Promise<boolean> {
    const [, affected] = (await this.ds.query(
      `UPDATE ${this.table} SET locked_until = now(), updated_at = now()
        WHERE scope = $1 AND key = $2 AND status = 'in_progress' AND lock_token = $3`,
      [lease.scope, lease.key, lease.lockToken],
    )) as [unknown[], number];
    return affected > 0;
  }

  /**
   * Deletes keys past their TTL, completed or abandoned (lease over), in batches of `batchSize`
   * rows, each its own statement; returns how many went.
   */
  async purgeExpired(batchSize = 1000): Promise<number> {
    let total = 0;
    for (;;) {
      const [, deleted] = (await this.ds.query(
        `DELETE FROM ${this.table} WHERE (scope, key) IN (
           SELECT scope, key FROM ${this.table}
            WHERE expires_at <= now() AND (status = 'completed' OR locked_until <= now())
            LIMIT $1 FOR UPDATE SKIP LOCKED)`,
        [batchSize],
      )) as [unknown[], number];
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }

  /**
   * Inserts the key as in progress with a new resource id, or starts it anew when its row has
   * expired (completed, or abandoned with its lease over). The resource id when this claim won.
   */
  private async insertOrRenew(
    scope: string,
    key: string,
    requestFingerprint: string,
    lockToken: string,
  ): Promise<string | undefined> {
    const rows = (await this.ds.query(
      `INSERT INTO ${this.table} AS r
         (scope, key, fingerprint, status, resource_id, lock_token, locked_until, created_at, updated_at, expires_at)
       VALUES ($1, $2, $3, 'in_progress', $4, $5, now() + make_interval(secs => $6), now(), now(),
               now() + make_interval(secs => $7))
       ON CONFLICT (scope, key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, status = 'in_progress', resource_id = EXCLUDED.resource_id,
             lock_token = EXCLUDED.lock_token, locked_until = EXCLUDED.locked_until, response_status = NULL,
             response_body = NULL, created_at = now(), updated_at = now(), expires_at = EXCLUDED.expires_at
         WHERE r.expires_at <= now() AND (r.status = 'completed' OR r.locked_until <= now())
       RETURNING r.resource_id AS "resourceId"`,
      [scope, key, requestFingerprint, randomUUID(), lockToken, this.leaseSeconds, this.options.ttlSeconds],
    )) as Array<{ resourceId: string }>;
    return rows[0]?.resourceId;
  }

  private async find(scope: string, key: string): Promise<ExistingRow | undefined> {
    const rows = (await this.ds.query(
      `SELECT fingerprint, status, response_status AS "responseStatus", response_body AS "responseBody"
         FROM ${this.table} WHERE scope = $1 AND key = $2`,
      [scope, key],
    )) as ExistingRow[];
    return rows[0];
  }

  /** Takes an in-progress key over once its holder's lease ran out; the resource id stays. */
  private async takeOver(
    scope: string,
    key: string,
    accepted: string[],
    requestFingerprint: string,
    lockToken: string,
  ): Promise<string | undefined> {
    const [rows] = (await this.ds.query(
      `UPDATE ${this.table}
          SET lock_token = $4, locked_until = now() + make_interval(secs => $5), fingerprint = $6, updated_at = now()
        WHERE scope = $1 AND key = $2 AND fingerprint = ANY($3) AND status = 'in_progress' AND locked_until <= now()
        RETURNING resource_id AS "resourceId"`,
      [scope, key, accepted, lockToken, this.leaseSeconds, requestFingerprint],
    )) as [Array<{ resourceId: string }>, number];
    return rows[0]?.resourceId;
  }

  private async completeWith(
    manager: EntityManager,
    lease: HeldKey,
    response: StoredResponse,
  ): Promise<boolean> {
    const [, affected] = (await manager.query(
      `UPDATE ${this.table}
          SET status = 'completed', response_status = $4, response_body = $5, updated_at = now()
        WHERE scope = $1 AND key = $2 AND status = 'in_progress' AND lock_token = $3`,
      [lease.scope, lease.key, lease.lockToken, response.status, response.body],
    )) as [unknown[], number];
    return affected > 0;
  }

  private get leaseSeconds(): number {
    return this.options.leaseMs / 1000;
  }
}
