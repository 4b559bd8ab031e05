import { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

export interface DatabaseOptions {
  url: string;
  /** Shown in pg_stat_activity, so an operator can tell which service holds a connection. */
  applicationName: string;
  entities: MixedList<string | (new () => unknown) | EntitySchema>;
  migrations: MixedList<string | (new () => unknown)>;
  poolSize?: number;
  /** Server-side limit per statement; a stuck query must not hold a request forever. */
  statementTimeoutMs?: number;
}

// Far above any request's transaction (milliseconds; the feed poll's HTTP call is bounded by its
// client timeout), far below "analytics stalls for minutes".
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000;

/**
 * Pool settings chosen to fail fast: when PostgreSQL is down a request gets a 503
 * within ~2 s instead of hanging, and the pool reconnects by itself once it is back.
 */
export function dataSourceOptions(opts: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: opts.url,
    entities: opts.entities,
    migrations: opts.migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    applicationName: opts.applicationName,
    extra: {
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 2000,
      idleTimeoutMillis: 10_000,
      statement_timeout: opts.statementTimeoutMs ?? 5000,
      query_timeout: (opts.statementTimeoutMs ?? 5000) + 1000,
      // A transaction left open (a bug, a hung caller) holds back every outbox feed on the
      // cluster (their horizon is the oldest running transaction) and keeps row locks; end it.
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
      keepAlive: true,
    },
  };
}

// Arbitrary constant: every replica of every service uses the same key on its own database.
const MIGRATION_LOCK_KEY = 7_326_411;

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so replicas starting
 * together don't race to apply the same migration.
 */
export async function migrateWithLock(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** Creates the database named in `url` when it is missing (first start, tests). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-zA-Z0-9_-]+$/.test(name)) throw new Error(`unsupported database name: ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const ds = new DataSource({
    type: 'postgres',
    url: admin.toString(),
    extra: { connectionTimeoutMillis: 5000 },
  });
  await ds.initialize();
  try {
    const rows: unknown[] = await ds.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length === 0) {
      await ds.query(`CREATE DATABASE "${name}"`).catch((err: { code?: string }) => {
        // Another replica created it between our check and our create.
        if (err.code !== '42P04' && err.code !== '23505') throw err;
      });
    }
  } finally {
    await ds.destroy();
  }
}

/** One-shot migration run, for the `migrate` command of each service. */
export async function runMigrations(opts: DatabaseOptions): Promise<string[]> {
  await ensureDatabase(opts.url);
  const ds = await new DataSource(dataSourceOptions(opts)).initialize();
  try {
    return await migrateWithLock(ds);
  } finally {
    await ds.destroy();
  }
}
