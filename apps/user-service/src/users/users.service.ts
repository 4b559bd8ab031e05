import { Injectable } from '@nestjs/common';
import type { Role } from '@ha-shop/auth';
import { isUniqueViolation } from '@ha-shop/database';
import { EVENTS, OutboxService } from '@ha-shop/events';
import { ProblemException } from '@ha-shop/service-kit';
import { DataSource, EntityManager } from 'typeorm';
import type { TokenSubject } from '../keys/access-token.issuer';
import { PasswordHasher } from './password-hasher';
import { passwordPolicyViolation } from './password-policy';
import { UserEntity } from './user.entity';

export interface Credentials {
  id: string;
  email: string;
  roles: Role[];
  passwordHash: string;
}

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly outbox: OutboxService,
  ) {}

  /** `email` must already be normalised (the DTO does it). */
  async register(email: string, password: string, name: string): Promise<UserEntity> {
    const violation = passwordPolicyViolation(password, email);
    if (violation)
      throw new ProblemException(400, 'weak-password', violation, {
        errors: [{ field: 'password', message: violation }],
      });
    const passwordHash = await this.hasher.hash(password);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [user]: UserEntity[] = await manager.query(
          `INSERT INTO app_user (email, name, password_hash, roles) VALUES ($1, $2, $3, ARRAY['customer'])
           RETURNING id, email, name, roles, created_at AS "createdAt"`,
          [email, name, passwordHash],
        );
        await this.outbox.append(manager, {
          type: EVENTS.userRegistered,
          aggregateId: user.id,
          payload: { userId: user.id, roles: user.roles },
        });
        return user;
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ProblemException(409, 'email-taken', 'An account with this email already exists.');
      throw err;
    }
  }

  async profile(userId: string): Promise<UserEntity> {
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: userId });
    if (!user) throw new ProblemException(404, 'not-found', 'This account no longer exists.');
    return user;
  }

  /** Support lookup; the email must be normalised. */
  async findByEmail(email: string): Promise<UserEntity> {
    const user = await this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('lower(u.email) = :email', { email })
      .getOne();
    if (!user) throw new ProblemException(404, 'not-found', 'No account has this email.');
    return user;
  }

  async credentials(email: string): Promise<Credentials | undefined> {
    const [row]: Credentials[] = await this.dataSource.query(
      `SELECT id, email, roles, password_hash AS "passwordHash" FROM app_user WHERE lower(email) = $1`,
      [email],
    );
    return row;
  }

  /** Who an access token names, read in the caller's transaction; undefined once the account is gone. */
  async tokenSubject(m: EntityManager, userId: string): Promise<TokenSubject | undefined> {
    const [row]: TokenSubject[] = await m.query('SELECT id, email, roles FROM app_user WHERE id = $1', [
      userId,
    ]);
    return row;
  }

  /** Upgrades a hash made with older parameters; best effort, the login already succeeded. */
  async rehash(userId: string, password: string): Promise<void> {
    const passwordHash = await this.hasher.hash(password);
    await this.dataSource.query('UPDATE app_user SET password_hash = $2, updated_at = now() WHERE id = $1', [
      userId,
      passwordHash,
    ]);
  }
}
