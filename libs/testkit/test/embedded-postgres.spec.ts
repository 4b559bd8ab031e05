// The test PostgreSQL start path: a failure must say why, a lost port must not
// fail the run, and all projects of a run share one server (item 12 of the
// review defects: `make test` used to die silently about one run in three).
import { createServer, type Server } from 'node:net';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@ha-shop/os-process';
import { PostgresStartError, startLocalPostgres, startThrowawayPostgres, sql } from '../src';
import setup from '../src/postgres.global-setup';

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

describe('startLocalPostgres', () => {
  it("fails with PostgreSQL's own words when its port is taken", async () => {
    const port = await freePort();
    const squatter = await occupy(port);
    cleanup.push(() => new Promise<void>((r) => squatter.close(() => r())));
    const dataDir = join(tmpdir(), `ha-shop-pg-spec-taken-${process.pid}-${Date.now()}`);
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));

    const err = await startLocalPostgres({ dataDir, port, fast: true }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(PostgresStartError);
    const message = (err as Error).message;
    expect(message).toContain(`port ${port}`);
    // The server's log line, not just "exited": the reason reaches whoever reads the run.
    expect(message).toMatch(/could not (bind|create listen socket)|Address already in use/i);
  });

  it('says what initdb printed when initialisation fails', async () => {
    // A regular file where the data folder should be: initdb cannot create it.
    const dataDir = join('/dev/null', 'pg');
    const err = await startLocalPostgres({ dataDir, fast: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PostgresStartError);
    expect((err as Error).message).toMatch(/initdb|user setup/);
    expect((err as Error).message).toContain('--- last PostgreSQL output ---');
  });
});

describe('startThrowawayPostgres', () => {
  it('starts several clusters at once, each usable, and removes their folders on stop', async () => {
    const clusters = await Promise.all([1, 2, 3].map(() => startThrowawayPostgres('ha-shop-pg-spec-many')));
    cleanup.push(async () => {
      for (const pg of clusters) await pg.stop();
    });
    for (const pg of clusters) {
      const [row] = await sql<{ one: number }>(pg.adminUrl, 'SELECT 1 AS one');
      expect(row.one).toBe(1);
    }
    expect(new Set(clusters.map((c) => c.port)).size).toBe(3);
    expect(new Set(clusters.map((c) => c.dataDir)).size).toBe(3);
    // Same process, same millisecond: each still got its own folder on the first try.
    expect(clusters.map((c) => c.attempt)).toEqual([1, 1, 1]);
    const first = clusters.shift()!;
    await first.stop();
    expect(existsSync(first.dataDir)).toBe(false);
  });
});

describe('postgres global setup', () => {
  it('gives every project of a run the same server and stops it after the last one', async () => {
    const saved = process.env.HA_SHOP_TEST_PG_URL;
    delete process.env.HA_SHOP_TEST_PG_URL;
    cleanup.push(() => {
      if (saved !== undefined) process.env.HA_SHOP_TEST_PG_URL = saved;
    });
    // Stand-ins for vitest's TestProject: setup only calls provide() on it.
    const provided: string[] = [];
    const project = { provide: (_key: string, url: string) => provided.push(url) };
    type Project = Parameters<typeof setup>[0];

    const teardowns = await Promise.all([1, 2, 3].map(() => setup(project as unknown as Project)));

    expect(provided).toHaveLength(3);
    expect(new Set(provided).size).toBe(1);
    await teardowns[0]();
    await teardowns[1]();
    // Still serving the last project.
    const [row] = await sql<{ one: number }>(provided[0], 'SELECT 1 AS one');
    expect(row.one).toBe(1);
    await teardowns[2]();
    await expect(sql(provided[0], 'SELECT 1')).rejects.toThrow();
  });
});
