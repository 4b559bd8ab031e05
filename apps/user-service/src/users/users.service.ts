import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '@ha-shop/database';
import { EVENTS, OutboxService } from '@ha-shop/events';
import { ProblemException } from '@ha-shop/service-kit';
import { DataSource, EntityManager } from 'typeorm';
import type { TokenSubject } from '../keys/access-token.issuer';
import { PasswordHasher } from './password-hasher';
import { passwordPolicyViolation } from './password-policy';
import { UserEntity } from './user.entity';
import {
  Credentials,
  credentialsOf,
  insertCustomer,
  setPasswordHash,
  tokenSubjectOf,
} from './user.repository';

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
        const user = await insertCustomer(manager, { email, name, passwordHash });
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

  credentials(email: string): Promise<Credentials | undefined> {
    return credentialsOf(this.dataSource.manager, email);
  }

  /** Who an access token names, read in the caller's transaction; undefined once the account is gone. */
  tokenSubject(m: EntityManager, userId: string): Promise<TokenSubject | undefined> {
    return tokenSubjectOf(m, userId);
  }

  /** Upgrades a hash made with older parameters; best effort, the login already succeeded. */
  async rehash(userId: string, password: string): Promise<void> {
    await setPasswordHash(this.dataSource.manager, userId, await this.hasher.hash(password));
  }
}
