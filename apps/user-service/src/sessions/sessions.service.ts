import { Injectable, Logger } from '@nestjs/common';
import type { Role } from '@ha-shop/auth';
import { EVENTS, OutboxService } from '@ha-shop/events';
import { ProblemException } from '@ha-shop/service-kit';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { UserEnv } from '../config/user.env';
import { AccessTokenIssuer, TokenSubject } from '../keys/access-token.issuer';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { TokenPairDto } from './dto/session.dto';
import { RefreshTokenRepository } from './refresh-token.repository';

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
    private readonly tokens: RefreshTokenRepository,
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
      const familyId = await this.tokens.startFamily(manager, user.id);
      const token = await this.insertRefreshToken(manager, familyId, user.id);
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
    await this.tokens.revokeFamilyOf(sha256(refreshToken), 'logout');
  }

  private async rotate(manager: EntityManager, hash: Buffer): Promise<RefreshOutcome> {
    const spent = await this.tokens.spend(manager, hash);
    if (spent) {
      const user = await this.users.tokenSubject(manager, spent.userId);
      if (!user) return { kind: 'unknown' };
      return {
        kind: 'rotated',
        user,
        refreshToken: await this.insertRefreshToken(manager, spent.familyId, user.id),
      };
    }
    const token = await this.tokens.state(manager, hash);
    if (!token) return { kind: 'unknown' };
    if (token.revoked) return { kind: 'revoked' };
    if (token.rotated) {
      await this.tokens.revokeFamily(manager, token.familyId, 'reuse');
      return { kind: 'reused', userId: token.userId, familyId: token.familyId };
    }
    return { kind: 'expired' };
  }

  private async insertRefreshToken(
    manager: EntityManager,
    familyId: string,
    userId: string,
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const ttlSeconds = this.env.REFRESH_TOKEN_TTL_SECONDS;
    await this.tokens.insert(manager, { familyId, userId, hash: sha256(token), ttlSeconds });
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
