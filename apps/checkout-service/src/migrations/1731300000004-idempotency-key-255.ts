import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys up to 255 characters, the one rule every service applies (payment-service
 * always took 255). Widening a varchar only changes the catalog: no table rewrite, no lock wait.
 */
export class IdempotencyKey2551731300000004 implements MigrationInterface {
  name = 'IdempotencyKey2551731300000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE idempotency_record ALTER COLUMN key TYPE varchar(255)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE idempotency_record ALTER COLUMN key TYPE varchar(200)');
  }
}
