import { runMigrations } from './data-source';
import type { DatabaseModuleOptions } from './database.module';

/** What a service's `src/schema.ts` exports as `SCHEMA`: its tables and the migrations that make them. */
export type ServiceSchema = Pick<DatabaseModuleOptions, 'entities' | 'migrations'>;

/**
 * The whole `migrate` command of a service (`node dist/migrate.js`): applies the migrations
 * to DATABASE_URL and exits non-zero on failure. It reads nothing else from the environment,
 * so a migration job needs no secrets of the service it prepares.
 */
export async function runMigrateCommand(
  service: string,
  schema: ServiceSchema,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  try {
    const url = env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is required');
    const applied = await runMigrations({ url, applicationName: `${service}-migrate`, ...schema });
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is current');
  } catch (err) {
    console.error(`migration failed: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
