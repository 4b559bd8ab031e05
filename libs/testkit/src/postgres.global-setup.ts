// Vitest global setup: one PostgreSQL for the whole test run, shared by every
// project that asks for it; each test file then creates its own database in it
// (see createTestDatabase).
//
// Every project used to start its own server, all at once: nine initdbs and nine
// servers racing for two cores, the `postgres` OS user and free ports, and about
// one run in three lost a server without a word. Global setups of all projects run
// in vitest's main process, so a promise kept on globalThis makes them share one.
import type { TestProject } from 'vitest/node';
import { type LocalPostgres, startThrowawayPostgres } from './embedded-postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

interface SharedServer {
  started: Promise<LocalPostgres>;
  users: number;
}

const KEY = Symbol.for('ha-shop.test-postgres');
type Holder = { [KEY]?: SharedServer };

export default async function setup(project: TestProject) {
  // Reuse a server the caller already started (e.g. a wrapper running all projects).
  if (process.env.HA_SHOP_TEST_PG_URL) {
    project.provide('pgAdminUrl', process.env.HA_SHOP_TEST_PG_URL);
    return () => undefined;
  }
  const holder = globalThis as Holder;
  const shared = (holder[KEY] ??= { started: startThrowawayPostgres('ha-shop-test-pg'), users: 0 });
  shared.users++;
  let pg: LocalPostgres;
  try {
    pg = await shared.started;
  } catch (err) {
    shared.users--;
    throw err;
  }
  project.provide('pgAdminUrl', pg.adminUrl);
  return async () => {
    if (--shared.users > 0) return;
    delete holder[KEY];
    await pg.stop();
  };
}
