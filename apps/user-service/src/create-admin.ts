import 'reflect-metadata';
import { withMigratedDataSource, parseFlags } from './cli';
import { createAdmin, CreateAdminResult } from './users/admin-bootstrap';

export { createAdmin };
export type { CreateAdminResult };

/**
 * `node dist/create-admin.js --email a@b.c --password '...' [--name ...]`, or ADMIN_EMAIL /
 * ADMIN_PASSWORD / ADMIN_NAME. Prefer the env for the password: argv is visible in `ps`.
 */
export async function runCreateAdmin(
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<CreateAdminResult> {
  const flags = parseFlags(argv, ['email', 'password', 'name']);
  const email = flags.email ?? env.ADMIN_EMAIL;
  const password = flags.password ?? env.ADMIN_PASSWORD;
  if (!email || !password)
    throw new Error(
      'usage: create-admin --email <email> --password <password> (or ADMIN_EMAIL / ADMIN_PASSWORD)',
    );
  return withMigratedDataSource(env.DATABASE_URL, (ds) =>
    createAdmin(ds, email, password, flags.name ?? env.ADMIN_NAME),
  );
}

if (require.main === module) {
  runCreateAdmin(process.argv.slice(2), process.env).then(
    (r) => console.log(`${r.created ? 'created' : 'updated'} admin ${r.email} (${r.id})`),
    (err: unknown) => {
      console.error((err as Error).message);
      process.exit(1);
    },
  );
}
