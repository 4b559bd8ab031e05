import { EVENTS, OutboxService } from '@ha-shop/events';
import { isEmail } from 'class-validator';
import { DataSource } from 'typeorm';
import { SERVICE_NAME } from '../schema';
import { PasswordHasher } from './password-hasher';
import { normaliseEmail, passwordPolicyViolation } from './password-policy';
import { upsertAdmin } from './user.repository';

export interface CreateAdminResult {
  id: string;
  email: string;
  /** False when the account existed: it then got the admin role and the given password. */
  created: boolean;
}

/**
 * Creates an admin, or makes an existing account one (and sets its password), so
 * operators and the local runner can call it on every start. Needs the schema in
 * place (run the migrations first). This and the CLI are the only ways to get the
 * admin role: there is no HTTP route that grants it.
 */
export async function createAdmin(
  dataSource: DataSource,
  email: string,
  password: string,
  name = 'Administrator',
): Promise<CreateAdminResult> {
  const normalised = normaliseEmail(email);
  if (!isEmail(normalised) || normalised.length > 254)
    throw new Error('createAdmin: email must be a valid email address');
  const violation = passwordPolicyViolation(password, normalised);
  if (violation) throw new Error(`createAdmin: ${violation}`);
  const passwordHash = await new PasswordHasher().hash(password);
  const outbox = new OutboxService(dataSource, SERVICE_NAME);
  return dataSource.transaction(async (manager) => {
    const row = await upsertAdmin(manager, {
      email: normalised,
      name: name.trim().slice(0, 100) || 'Administrator',
      passwordHash,
    });
    if (row.created) {
      await outbox.append(manager, {
        type: EVENTS.userRegistered,
        aggregateId: row.id,
        payload: { userId: row.id, roles: row.roles },
      });
    }
    return { id: row.id, email: normalised, created: row.created };
  });
}
