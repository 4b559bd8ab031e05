import type { ThrottlerStorage } from '@nestjs/throttler';
import { DataSource } from 'typeorm';

interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * Throttler storage in PostgreSQL, so a limit holds across all replicas and restarts
 * (an in-memory counter per replica would multiply the limit by the replica count).
 * Fixed windows, one atomic upsert per hit; a blocked key stays blocked until its
 * window ends (blockDuration is not used separately).
 */
export class PgThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly dataSource: DataSource) {}

  async increment(key: string, ttlMs: number, limit: number): Promise<ThrottlerStorageRecord> {
    const [row]: Array<{ hits: number; seconds_left: number }> = await this.dataSource.query(
      `INSERT INTO rate_limit_bucket AS b (key, hits, window_ends_at)
       VALUES ($1, 1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN b.window_ends_at <= now() THEN 1 ELSE LEAST(b.hits + 1, 1000000) END,
         window_ends_at = CASE WHEN b.window_ends_at <= now() THEN EXCLUDED.window_ends_at ELSE b.window_ends_at END
       RETURNING hits, GREATEST(1, CEIL(EXTRACT(EPOCH FROM (window_ends_at - now()))))::int AS seconds_left`,
      [key.slice(0, 128), ttlMs],
    );
    const isBlocked = row.hits > limit;
    return {
      totalHits: row.hits,
      timeToExpire: row.seconds_left,
      isBlocked,
      timeToBlockExpire: isBlocked ? row.seconds_left : 0,
    };
  }

  /** Drops windows that ended a while ago. */
  async sweep(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM rate_limit_bucket WHERE window_ends_at < now() - interval '5 minutes'`,
    );
  }
}
