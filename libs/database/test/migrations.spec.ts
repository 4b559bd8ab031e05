import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, sql } from '@ha-shop/testkit';
import { dataSourceOptions, ensureDatabase, migrateWithLock, runMigrations } from '../src';

class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';
  async up(q: QueryRunner) {
    // Slow on purpose, so concurrent runners overlap if the lock does not serialise them.
    await q.query('SELECT pg_sleep(0.2)');
    await q.query('CREATE TABLE widget (id serial PRIMARY KEY, name text NOT NULL)');
  }
  async down(q: QueryRunner) {
    await q.query('DROP TABLE widget');
  }
}

describe('database helpers', () => {
  it('creates a missing database once, even when asked concurrently', async () => {
    const base = new URL(await createTestDatabase());
    base.pathname = `/fresh_${Date.now()}`;
    await Promise.all([
      ensureDatabase(base.toString()),
      ensureDatabase(base.toString()),
      ensureDatabase(base.toString()),
    ]);
    const rows = await sql(base.toString(), 'SELECT current_database() AS name');
    expect(rows[0].name).toBe(base.pathname.slice(1));
  });

  it('applies each migration exactly once when replicas start together', async () => {
    const url = await createTestDatabase();
    const opts = { url, applicationName: 'test', entities: [], migrations: [CreateWidgets1700000000000] };
    const sources = await Promise.all(
      [1, 2, 3].map(() => new DataSource(dataSourceOptions(opts)).initialize()),
    );
    const applied = await Promise.all(sources.map((ds) => migrateWithLock(ds)));
    await Promise.all(sources.map((ds) => ds.destroy()));
    expect(applied.flat()).toEqual(['CreateWidgets1700000000000']);
    expect(await runMigrations(opts)).toEqual([]);
  });

  it('ends a transaction a caller leaves open, so it cannot hold back the outbox feeds', async () => {
    const url = await createTestDatabase();
    const ds = await new DataSource(
      dataSourceOptions({ url, applicationName: 'test', entities: [], migrations: [] }),
    ).initialize();
    try {
      const setting = async (name: string) =>
        ((await ds.query(`SELECT current_setting('${name}') AS value`)) as Array<{ value: string }>)[0].value;
      expect(await setting('idle_in_transaction_session_timeout')).toBe('30s');
      expect(await setting('statement_timeout')).toBe('5s');
    } finally {
      await ds.destroy();
    }
  });
});
