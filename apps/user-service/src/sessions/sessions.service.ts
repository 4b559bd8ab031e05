import { Injectable, Logger } from '@nestjs/common';
import type { Role } from '@ha-shop/auth';
import { EVENTS, OutboxService } from '@ha-shop/events';
import { ProblemException } from '@ha-shop/service-kit';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { returningRows } from '../common/sql';
import { UserEnv } from '../config/user.env';
import { AccessTokenIssuer, TokenSubject } from '../keys/access-token.issuer';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { TokenPairDto } from './dto/session.dto';

const sha256 = (token: string) => createHash('sha256').update(token).digest();

// One answer for "no such email" and "wrong password", so the response can't tell them apart.
const invalidCredentials = () =>
  new ProblemException(
    401,
    'invalid-credentials',
    'invalid email or password',
    {},
    { 'www-authenticate': 'Bearer' },
  );
const invalidRefresh = (detail: string) => new ProblemException(401, 'invalid-refresh-token', detail);

type RefreshOutcome =
  | { kind: 'rotated'; user: TokenSubject; refreshToken: string }
  | { kind: 'unknown' | 'revoked' | 'expired' }
  | { kind: 'reused'; userId: string; familyId: string };

/**
 * Sign-in sessions. A login starts a refresh-token family; every refresh rotates the
 * token (the old one becomes spent); presenting a spent token again means it was
 * copied, so the whole family is revoked, including the newest token.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger('Sessions');

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly issuer: AccessTokenIssuer,
    private readonly outbox: OutboxService,
    private readonly env: UserEnv,
  ) {}

  async login(email: string, password: string): Promise<TokenPairDto> {
    const user = await this.users.credentials(email);
    // Always runs argon2 (against a dummy hash when there is no user) to keep timing alike.
    const ok = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !ok) throw invalidCredentials();
    const refreshToken = await this.dataSource.transaction(async (manager) => {
      const [family]: Array<{ id: string }> = await manager.query(
        'INSERT INTO refresh_token_family (user_id) VALUES ($1) RETURNING id',
        [user.id],
      );
      const token = await this.insertRefreshToken(manager, family.id, user.id);
      await this.outbox.append(manager, {
        type: EVENTS.userLoggedIn,
        aggregateId: user.id,
        payload: { userId: user.id },
      });
      return token;
    });
    if (this.hasher.needsRehash(user.passwordHash)) {
      this.users
        .rehash(user.id, password)
        .catch((err: unknown) => this.logger.warn(`password rehash failed: ${(err as Error).message}`));
    }
    return this.pair(user, refreshToken);
  }

  async refresh(refreshToken: string): Promise<TokenPairDto> {
    const hash = sha256(refreshToken);
    const outcome = await this.dataSource.transaction((manager) => this.rotate(manager, hash));
    switch (outcome.kind) {
      case 'rotated':
        return this.pair(outcome.user, outcome.refreshToken);
      case 'reused':
        this.logger.warn(
          { userId: outcome.userId, familyId: outcome.familyId },
          'refresh token reused; session revoked',
        );
        throw invalidRefresh(
          'This refresh token was already used, so the session has been revoked. Sign in again.',
        );
      case 'revoked':
        throw invalidRefresh('This session has ended. Sign in again.');
      case 'expired':
        throw invalidRefresh('The refresh token has expired. Sign in again.');
      default:
        throw invalidRefresh('The refresh token is not valid.');
    }
  }

  /** Ends the session the token belongs to. Unknown or already-ended sessions are fine (idempotent). */
  async logout(refreshToken: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE refresh_token_family SET revoked_at = now(), revoked_reason = 'logout'
        WHERE id = (SELECT family_id FROM refresh_token WHERE token_hash = $1) AND revoked_at IS NULL`,
      [sha256(refreshToken)],
    );
  }

  private async rotate(manager: EntityManager, hash: Buffer): Promise<RefreshOutcome> {
    // The happy path is one atomic statement: of two concurrent refreshes with the same
    // token exactly one rotates it; the other then sees a spent token below.
    const [rotated] = await returningRows<{ family_id: string; user_id: string }>(
      manager,
      `UPDATE refresh_token t SET rotated_at = now()
         FROM refresh_token_family f
        WHERE t.token_hash = $1 AND f.id = t.family_id
          AND t.rotated_at IS NULL AND f.revoked_at IS NULL AND t.expires_at > now()
        RETURNING t.family_id, t.user_id`,
      [hash],
    );
    if (rotated) {
      const [user]: TokenSubject[] = await manager.query(
        'SELECT id, email, roles FROM app_user WHERE id = $1',
        [rotated.user_id],
      );
      if (!user) return { kind: 'unknown' };
      return {
        kind: 'rotated',
        user,
        refreshToken: await this.insertRefreshToken(manager, rotated.family_id, user.id),
      };
    }
    const [row]: Array<{
      family_id: string;
      user_id: string;
      rotated: boolean;
      expired: boolean;
      revoked: boolean;
    }> = await manager.query(
      `SELECT t.family_id, t.user_id, t.rotated_at IS NOT NULL AS rotated, t.expires_at <= now() AS expired,
              f.revoked_at IS NOT NULL AS revoked
         FROM refresh_token t JOIN refresh_token_family f ON f.id = t.family_id
        WHERE t.token_hash = $1`,
      [hash],
    );
    if (!row) return { kind: 'unknown' };
    if (row.revoked) return { kind: 'revoked' };
    if (row.rotated) {
      // Revoking the family (not each token) also catches a successor minted concurrently.
      await manager.query(
        `UPDATE refresh_token_family SET revoked_at = now(), revoked_reason = 'reuse' WHERE id = $1 AND revoked_at IS NULL`,
        [row.family_id],
      );
      return { kind: 'reused', userId: row.user_id, familyId: row.family_id };
    }
    return { kind: 'expired' };
  }

  private async insertRefreshToken(
    manager: EntityManager,
    familyId: string,
    userId: string,
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await manager.query(
      `INSERT INTO refresh_token (family_id, user_id, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + $4 * interval '1 second')`,
      [familyId, userId, sha256(token), this.env.REFRESH_TOKEN_TTL_SECONDS],
    );
    return token;
  }

  private async pair(
    user: { id: string; email: string; roles: Role[] },
    refreshToken: string,
  ): Promise<TokenPairDto> {
    const accessToken = await this.issuer.issue(user);
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.issuer.ttlSeconds };
  }
}
