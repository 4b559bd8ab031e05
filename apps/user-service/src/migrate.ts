import 'reflect-metadata';
import { runMigrations } from '@ha-shop/database';
import { SERVICE_NAME, USER_ENTITIES, USER_MIGRATIONS } from './schema';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const applied = await runMigrations({
    url,
    applicationName: `${SERVICE_NAME}-migrate`,
    entities: USER_ENTITIES,
    migrations: USER_MIGRATIONS,
  });
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
}

main().catch((err: unknown) => {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exit(1);
});
