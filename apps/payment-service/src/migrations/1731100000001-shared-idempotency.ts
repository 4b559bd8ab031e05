import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * idempotency_key gets the columns every service's idempotency table has, written by the shared
 * store (libs/database/src/idempotency): a scope in the key (one, 'internal', for every caller),
 * a resource id fixed per key, `status` and `updated_at` as elsewhere, and the holder's lease end
 * (`locked_until`) instead of its start. Keys held at the upgrade get IDEMPOTENCY_LOCK_TIMEOUT_MS'
 * default, 90 s, from their claim: a migration reads no service settings. Replicas still on the
 * previous release fail their idempotency statements until they roll; a charge whose key cannot
 * be completed rolls back, so none is recorded twice or without its key.
 */
export class SharedIdempotency1731100000001 implements MigrationInterface {
  name = 'SharedIdempotency1731100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE idempotency_key RENAME COLUMN state TO status');
    await q.query('ALTER TABLE idempotency_key RENAME COLUMN completed_at TO updated_at');
    await q.query(`ALTER TABLE idempotency_key
      ADD COLUMN scope varchar(100) NOT NULL DEFAULT 'internal',
      ADD COLUMN resource_id uuid NOT NULL DEFAULT gen_random_uuid(),
      ADD COLUMN locked_until timestamptz`);
    await q.query(`UPDATE idempotency_key
      SET locked_until = locked_at + interval '90 seconds', updated_at = COALESCE(updated_at, locked_at)`);
    await q.query(`ALTER TABLE idempotency_key
      ALTER COLUMN scope DROP DEFAULT,
      ALTER COLUMN resource_id DROP DEFAULT,
      ALTER COLUMN locked_until SET NOT NULL,
      ALTER COLUMN updated_at SET NOT NULL,
      ALTER COLUMN updated_at SET DEFAULT now(),
      DROP COLUMN locked_at`);
    await q.query('ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_key_pkey');
    await q.query('ALTER TABLE idempotency_key ADD CONSTRAINT idempotency_key_pkey PRIMARY KEY (scope, key)');
    await q.query(`ALTER TABLE idempotency_key
      DROP CONSTRAINT idempotency_key_state_check,
      ADD CONSTRAINT idempotency_key_status_chk CHECK (status IN ('in_progress', 'completed'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_key
      DROP CONSTRAINT idempotency_key_status_chk,
      ADD CONSTRAINT idempotency_key_state_check CHECK (status IN ('in_progress', 'completed'))`);
    await q.query('ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_key_pkey');
    await q.query('ALTER TABLE idempotency_key ADD CONSTRAINT idempotency_key_pkey PRIMARY KEY (key)');
    await q.query(`ALTER TABLE idempotency_key
      ADD COLUMN locked_at timestamptz NOT NULL DEFAULT now(),
      ALTER COLUMN updated_at DROP NOT NULL,
      ALTER COLUMN updated_at DROP DEFAULT`);
    await q.query(`UPDATE idempotency_key SET locked_at = locked_until - interval '90 seconds',
      updated_at = CASE WHEN status = 'completed' THEN updated_at END`);
    await q.query(`ALTER TABLE idempotency_key
      DROP COLUMN locked_until,
      DROP COLUMN resource_id,
      DROP COLUMN scope`);
    await q.query('ALTER TABLE idempotency_key RENAME COLUMN updated_at TO completed_at');
    await q.query('ALTER TABLE idempotency_key RENAME COLUMN status TO state');
  }
}
