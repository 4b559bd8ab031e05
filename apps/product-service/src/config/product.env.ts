import { Transform } from 'class-transformer';
import { IsInt, IsNumber, Max, Min } from 'class-validator';
import { BaseEnv } from '@ha-shop/service-kit';

const toNumber = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

export class ProductEnv extends BaseEnv {
  /** How long a reservation holds stock when the caller does not say. */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(86_400)
  RESERVATION_TTL_SECONDS = 900;

  /** How often each replica looks for expired reservations. */
  @Transform(toNumber)
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  SWEEPER_INTERVAL_MS = 5000;

  /** Reservations expired per sweep transaction; keeps each sweep short. */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(10_000)
  SWEEPER_BATCH_SIZE = 200;

  /** Minimum pg_trgm word similarity for a typo match in search. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0.05)
  @Max(1)
  SEARCH_SIMILARITY_THRESHOLD = 0.4;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(100)
  DB_POOL_SIZE = 10;
}
