import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { returningRows } from '../common/sql';

export type RevokeReason = 'logout' | 'reuse';

/** What a presented token is, when it could not be rotated. */
export interface TokenState {
  familyId: string;
  userId: string;
  rotated: boolean;
  expired: boolean;
  revoked: boolean;
}

/**
 * The only SQL for `refresh_token` and `refresh_token_family`. Tokens are stored as their
 * SHA-256 only; a family is one sign-in, revoked as a whole.
 */
@Injectable()
export class RefreshTokenRepository {
  constructor(private readonly ds: DataSource) {}

  async startFamily(m: EntityManager, userId: string): Promise<string> {
    const [family]: Array<{ id: string }> = await m.query(
      'INSERT INTO refresh_token_family (user_id) VALUES ($1) RETURNING id',
      [userId],
    );
    return family.id;
  }

  async insert(
    m: EntityManager,
    token: { familyId: string; userId: string; hash: Buffer; ttlSeconds: number },
  ): Promise<void> {
    await m.query(
      `INSERT INTO refresh_token (family_id, user_id, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + $4 * interval '1 second')`,
      [token.familyId, token.userId, token.hash, token.ttlSeconds],
    );
  }

  /**
   * Spends a live token in one atomic statement: of two concurrent refreshes with the same
   * token exactly one gets its family back; the other then reads a spent token in `state`.
   */
  async spend(m: EntityManager, hash: Buffer): Promise<{ familyId: string; userId: string } | undefined> {
    const [row] = await returningRows<{ familyId: string; userId: string }>(
      m,
      `UPDATE refresh_token t SET rotated_at = now()
         FROM refresh_token_family f
        WHERE t.token_hash = $1 AND f.id = t.family_id
          AND t.rotated_at IS NULL AND f.revoked_at IS NULL AND t.expires_at > now()
        RETURNING t.family_id AS "familyId", t.user_id AS "userId"`,
      [hash],
    );
    return row;
  }

  async state(m: EntityManager, hash: Buffer): Promise<TokenState | undefined> {
    const [row]: TokenState[] = await m.query(
      `SELECT t.family_id AS "familyId", t.user_id AS "userId", t.rotated_at IS NOT NULL AS rotated,
              t.expires_at <= now() AS expired, f.revoked_at IS NOT NULL AS revoked
         FROM refresh_token t JOIN refresh_token_family f ON f.id = t.family_id
        WHERE t.token_hash = $1`,
      [hash],
    );
    return row;
  }

  /** Revoking the family (not each token) also catches a successor minted concurrently. */
  async revokeFamily(m: EntityManager, familyId: string, reason: RevokeReason): Promise<void> {
    await m.query(
      `UPDATE refresh_token_family SET revoked_at = now(), revoked_reason = $2
        WHERE id = $1 AND revoked_at IS NULL`,
      [familyId, reason],
    );
  }

  /** Idempotent: an unknown token or an ended family changes nothing. */
  async revokeFamilyOf(hash: Buffer, reason: RevokeReason): Promise<void> {
    await this.ds.query(
      `UPDATE refresh_token_family SET revoked_at = now(), revoked_reason = $2
        WHERE id = (SELECT family_id FROM refresh_token WHERE token_hash = $1) AND revoked_at IS NULL`,
      [hash, reason],
    );
  }

  /** Tokens a day past expiry, then families left without tokens. */
  async deleteExpired(): Promise<void> {
    await this.ds.query(`DELETE FROM refresh_token WHERE expires_at < now() - interval '1 day'`);
    await this.ds.query(
      `DELETE FROM refresh_token_family f WHERE created_at < now() - interval '1 day'
         AND NOT EXISTS (SELECT 1 FROM refresh_token t WHERE t.family_id = f.id)`,
    );
  }
}
