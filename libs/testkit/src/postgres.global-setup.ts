// Vitest global setup: one PostgreSQL per test run of a project; each test file
// then creates its own database in it (see createTestDatabase).
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalPostgres } from './embedded-postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // Reuse a server the caller already started (e.g. a wrapper running all projects).
  if (process.env.HA_SHOP_TEST_PG_URL) {
    project.provide('pgAdminUrl', process.env.HA_SHOP_TEST_PG_URL);
    return () => undefined;
  }
  // The OS temp dir, because the postgres user must be able to write there.
  const dataDir = join(tmpdir(), `ha-shop-test-pg-${process.pid}-${Date.now()}`);
  const pg = await startLocalPostgres({ dataDir, fast: true });
  project.provide('pgAdminUrl', pg.adminUrl);
  return async () => {
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
