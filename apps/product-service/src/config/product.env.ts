import { BaseEnv, EnvInt, EnvNumber } from '@ha-shop/service-kit';

export class ProductEnv extends BaseEnv {
  /** How long a reservation holds stock when the caller does not say. */
  @EnvInt(1, 86_400)
  RESERVATION_TTL_SECONDS = 900;

  /** How often each replica looks for expired reservations. */
  @EnvInt(50, 3_600_000)
  SWEEPER_INTERVAL_MS = 5000;

  /** Reservations expired per sweep transaction; keeps each sweep short. */
  @EnvInt(1, 10_000)
  SWEEPER_BATCH_SIZE = 200;

  /** Minimum pg_trgm word similarity for a typo match in search. */
  @EnvNumber(0.05, 1)
  SEARCH_SIMILARITY_THRESHOLD = 0.4;

  @EnvInt(1, 100)
  DB_POOL_SIZE = 10;

  /** Catalog reads younger than this are answered from this replica's cache (`X-Cache: hit`). */
  @EnvInt(0, 3_600_000)
  CATALOG_CACHE_FRESH_MS = 1000;

  /** How long past fresh a cached read may still be served (`X-Cache: stale`) while the database fails. */
  @EnvInt(0, 86_400_000)
  CATALOG_CACHE_STALE_MS = 600_000;

  /** With a stale entry at hand, the database gets this long before the stale answer is served. */
  @EnvInt(50, 30_000)
  CATALOG_CACHE_DB_TIMEOUT_MS = 400;

  @EnvInt(1, 1_000_000)
  CATALOG_CACHE_MAX_ENTRIES = 2000;

  /** Upper bound of the cache's memory, measured as the JSON size of the cached answers. */
  @EnvInt(1024, 1024 * 1024 * 1024)
  CATALOG_CACHE_MAX_BYTES = 32 * 1024 * 1024;
}
