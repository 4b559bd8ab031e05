import { dataSourceOptions, runMigrations } from '@ha-shop/database';
import { DataSource } from 'typeorm';
import { parseArgs } from 'node:util';
import { SCHEMA, SERVICE_NAME } from './schema';

/** Migrates, then runs `work` with a connected DataSource, for the one-shot commands. */
export async function withMigratedDataSource<T>(
  databaseUrl: string | undefined,
  work: (ds: DataSource) => Promise<T>,
): Promise<T> {
  if (!databaseUrl) throw new Error('DATABASE_URL is required');
  const opts = {
    url: databaseUrl,
    applicationName: `${SERVICE_NAME}-cli`,
    ...SCHEMA,
    poolSize: 2,
  };
  await runMigrations(opts);
  const ds = await new DataSource(dataSourceOptions(opts)).initialize();
  try {
    return await work(ds);
  } finally {
    await ds.destroy();
  }
}

export function parseFlags(argv: string[], names: string[]): Record<string, string | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
    strict: true,
    allowPositionals: false,
  });
  return values as Record<string, string | undefined>;
}
