import { Gauge, register } from 'prom-client';
import { singleton } from './registry';

/** The counters node-postgres' Pool exposes. */
export interface PgPoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

const pools = new Set<PgPoolLike>();

/**
 * `db_pool_connections{state}` and `db_pool_max_connections`, read from the registered
 * pools at scrape time. Several pools (several services in one test process) are summed.
 */
export function registerDbPool(pool: PgPoolLike): () => void {
  ensurePoolGauges();
  pools.add(pool);
  return () => pools.delete(pool);
}

function ensurePoolGauges(): void {
  singleton(
    'db_pool_connections',
    () =>
      new Gauge({
        name: 'db_pool_connections',
        help: 'PostgreSQL pool connections by state: total (open), idle, waiting (requests queued for a connection)',
        labelNames: ['state'],
        registers: [register],
        collect() {
          let total = 0;
          let idle = 0;
          let waiting = 0;
          for (const p of pools) {
            total += p.totalCount;
            idle += p.idleCount;
            waiting += p.waitingCount;
          }
          this.set({ state: 'total' }, total);
          this.set({ state: 'idle' }, idle);
          this.set({ state: 'waiting' }, waiting);
        },
      }),
  );
  singleton(
    'db_pool_max_connections',
    () =>
      new Gauge({
        name: 'db_pool_max_connections',
        help: 'Configured size of the PostgreSQL pool',
        registers: [register],
        collect() {
          let max = 0;
          for (const p of pools) max += p.options?.max ?? 10;
          this.set(max);
        },
      }),
  );
}

/** The pg Pool behind a TypeORM DataSource, if it uses the postgres driver and is connected. */
export function pgPoolOf(dataSource: unknown): PgPoolLike | undefined {
  const driver = (dataSource as { driver?: { master?: unknown } } | undefined)?.driver;
  const pool = driver?.master as Partial<PgPoolLike> | undefined;
  if (!pool || typeof pool.totalCount !== 'number' || typeof pool.idleCount !== 'number') return undefined;
  return pool as PgPoolLike;
}
