import type { Role } from '@ha-shop/auth';
import { EntityManager } from 'typeorm';
import type { TokenSubject } from '../keys/access-token.issuer';
import { UserEntity } from './user.entity';

// The only SQL that writes `app_user`. Emails arrive normalised (lower-case, trimmed); the unique
// index is on lower(email), so a second account for the same address is a unique violation.

export interface Credentials {
  id: string;
  email: string;
  roles: Role[];
  passwordHash: string;
}

export async function insertCustomer(
  m: EntityManager,
  user: { email: string; name: string; passwordHash: string },
): Promise<UserEntity> {
  const [row]: UserEntity[] = await m.query(
    `INSERT INTO app_user (email, name, password_hash, roles) VALUES ($1, $2, $3, ARRAY['customer'])
     RETURNING id, email, name, roles, created_at AS "createdAt"`,
    [user.email, user.name, user.passwordHash],
  );
  return row;
}

/**
 * Creates an admin, or gives an existing account the admin role and this password.
 * `created`: xmax = 0 only on a freshly inserted row, which tells the two apart in one statement.
 */
export async function upsertAdmin(
  m: EntityManager,
  admin: { email: string; name: string; passwordHash: string },
): Promise<{ id: string; created: boolean; roles: Role[] }> {
  const [row]: Array<{ id: string; created: boolean; roles: Role[] }> = await m.query(
    `INSERT INTO app_user (email, name, password_hash, roles) VALUES ($1, $2, $3, ARRAY['customer', 'admin'])
     ON CONFLICT ((lower(email))) DO UPDATE SET
       password_hash = EXCLUDED.password_hash,
       roles = CASE WHEN 'admin' = ANY (app_user.roles) THEN app_user.roles ELSE app_user.roles || ARRAY['admin'] END,
       updated_at = now()
     RETURNING id, roles, (xmax = 0) AS created`,
    [admin.email, admin.name, admin.passwordHash],
  );
  return row;
}

export async function credentialsOf(m: EntityManager, email: string): Promise<Credentials | undefined> {
  const [row]: Credentials[] = await m.query(
    `SELECT id, email, roles, password_hash AS "passwordHash" FROM app_user WHERE lower(email) = $1`,
    [email],
  );
  return row;
}

/** Who an access token names; undefined once the account is gone. */
export async function tokenSubjectOf(m: EntityManager, userId: string): Promise<TokenSubject | undefined> {
  const [row]: TokenSubject[] = await m.query('SELECT id, email, roles FROM app_user WHERE id = $1', [
    userId,
  ]);
  return row;
}

export async function setPasswordHash(m: EntityManager, userId: string, passwordHash: string): Promise<void> {
  await m.query('UPDATE app_user SET password_hash = $2, updated_at = now() WHERE id = $1', [
    userId,
    passwordHash,
  ]);
}
