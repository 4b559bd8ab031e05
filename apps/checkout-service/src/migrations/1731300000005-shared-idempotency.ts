import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * idempotency_record gets the columns every service's idempotency table has, written by the shared
 * store (libs/database/src/idempotency): order_id becomes the generic resource_id, the response is
 * the exact JSON text sent (text, not jsonb, which reorders keys), and each record carries its own
 * expires_at. Records from before count IDEMPOTENCY_RETENTION_HOURS' default, 24 h, from creation:
 * a migration reads no service settings. Until they roll, replicas still on the previous release
 * cannot claim keys: the claim fails before anything is written.
 */
export class SharedIdempotency1731300000005 implements MigrationInterface {
  name = 'SharedIdempotency1731300000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE idempotency_record RENAME COLUMN order_id TO resource_id');
    await q.query(`ALTER TABLE idempotency_record
      ALTER COLUMN status TYPE varchar(20),
      ALTER COLUMN response_body TYPE text USING response_body::text,
      ALTER COLUMN locked_until TYPE timestamptz,
      ALTER COLUMN created_at TYPE timestamptz,
      ALTER COLUMN updated_at TYPE timestamptz,
      ALTER COLUMN lock_token DROP DEFAULT,
      ADD COLUMN expires_at timestamptz`);
    await q.query(`UPDATE idempotency_record SET expires_at = created_at + interval '24 hours'`);
    await q.query('ALTER TABLE idempotency_record ALTER COLUMN expires_at SET NOT NULL');
    await q.query(`ALTER TABLE idempotency_record
      DROP CONSTRAINT idempotency_completed_has_response,
      ADD CONSTRAINT idempotency_record_response_chk
        CHECK ((status = 'completed') = (response_status IS NOT NULL AND response_body IS NOT NULL))`);
    await q.query(`ALTER TABLE idempotency_record
      DROP CONSTRAINT idempotency_record_status_check,
      ADD CONSTRAINT idempotency_record_status_chk CHECK (status IN ('in_progress', 'completed'))`);
    await q.query('DROP INDEX idempotency_record_created_idx');
    await q.query('CREATE INDEX idempotency_record_expires_at_idx ON idempotency_record (expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX idempotency_record_expires_at_idx');
    await q.query('CREATE INDEX idempotency_record_created_idx ON idempotency_record (created_at)');
    await q.query(`ALTER TABLE idempotency_record
      DROP CONSTRAINT idempotency_record_status_chk,
      ADD CONSTRAINT idempotency_record_status_check CHECK (status IN ('in_progress', 'completed'))`);
    await q.query(`ALTER TABLE idempotency_record
      DROP CONSTRAINT idempotency_record_response_chk,
      ADD CONSTRAINT idempotency_completed_has_response
        CHECK (status = 'in_progress' OR (response_status IS NOT NULL AND response_body IS NOT NULL))`);
    await q.query(`ALTER TABLE idempotency_record
      DROP COLUMN expires_at,
      ALTER COLUMN lock_token SET DEFAULT gen_random_uuid(),
      ALTER COLUMN updated_at TYPE timestamptz(3),
      ALTER COLUMN created_at TYPE timestamptz(3),
      ALTER COLUMN locked_until TYPE timestamptz(3),
      ALTER COLUMN response_body TYPE jsonb USING response_body::jsonb,
      ALTER COLUMN status TYPE varchar(16)`);
    await q.query('ALTER TABLE idempotency_record RENAME COLUMN resource_id TO order_id');
  }
}
