import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A new, empty database for one test file, on the run's PostgreSQL. */
export async function createTestDatabase(prefix = 't'): Promise<string> {
  // Imported lazily so tools (the local runner) can load this package outside vitest.
  const { inject } = await import('vitest');
  const adminUrl = inject('pgAdminUrl');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs SQL against a test database, for assertions that look behind the API. */
export async function sql<T = Record<string, unknown>>(
  databaseUrl: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}
