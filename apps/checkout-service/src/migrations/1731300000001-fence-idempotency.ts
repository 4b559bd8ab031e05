import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A lock token per claim of an idempotency record: a claim or a takeover writes a new one, and
 * only its holder may complete or release the record (a request that outlived its lease cannot
 * overwrite or delete the record of the retry that took over).
 */
export class FenceIdempotency1731300000001 implements MigrationInterface {
  name = 'FenceIdempotency1731300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE idempotency_record ADD COLUMN lock_token uuid NOT NULL DEFAULT gen_random_uuid()',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE idempotency_record DROP COLUMN lock_token');
  }
}
