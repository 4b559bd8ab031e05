import { Transform } from 'class-transformer';
import { IsInt, IsNumber, Max, Min } from 'class-validator';
import { BaseEnv, envInt } from '@ha-shop/service-kit';

export class ProductEnv extends BaseEnv {
  /** How long a reservation holds stock when the caller does not say. */
  @Transform(envInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  RESERVATION_TTL_SECONDS = 900;

  /** How often each replica looks for expired reservations. */
  @Transform(envInt)
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  SWEEPER_INTERVAL_MS = 5000;

  /** Reservations expired per sweep transaction; keeps each sweep short. */
  @Transform(envInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  SWEEPER_BATCH_SIZE = 200;

  /** Minimum pg_trgm word similarity for a typo match in search. */
  // envInt is a plain Number(); @IsNumber (not @IsInt) is what admits the fraction.
  @Transform(envInt)
  @IsNumber()
  @Min(0.05)
  @Max(1)
  SEARCH_SIMILARITY_THRESHOLD = 0.4;

  @Transform(envInt)
  @IsInt()
  @Min(1)
  @Max(100)
  DB_POOL_SIZE = 10;

  /** Catalog reads younger than this are answered from this replica's cache (`X-Cache: hit`). */
  @Transform(envInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  CATALOG_CACHE_FRESH_MS = 1000;

  /** How long past fresh a cached read may still be served (`X-Cache: stale`) while the database fails. */
  @Transform(envInt)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  CATALOG_CACHE_STALE_MS = 600_000;

  /** With a stale entry at hand, the database gets this long before the stale answer is served. */
  @Transform(envInt)
  @IsInt()
  @Min(50)
  @Max(30_000)
  CATALOG_CACHE_DB_TIMEOUT_MS = 400;

  @Transform(envInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  CATALOG_CACHE_MAX_ENTRIES = 2000;

  /** Upper bound of the cache's memory, measured as the JSON size of the cached answers. */
  @Transform(envInt)
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  CATALOG_CACHE_MAX_BYTES = 32 * 1024 * 1024;
}
