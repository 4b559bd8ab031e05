import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * pending_payment holds the retry schedule of every order awaiting payment, but the sealed card
 * only once its charge is parked: the card columns are empty until then, and the CVC is never
 * among them (PCI DSS 3.3.1). Cards sealed before this migration keep theirs until their order
 * leaves PENDING_PAYMENT, which the payment deadline bounds.
 */
export class CardOnlyWhenParked1731300000002 implements MigrationInterface {
  name = 'CardOnlyWhenParked1731300000002';

  async up(q: QueryRunner): Promise<void> {
    for (const column of ['key_id', 'iv', 'tag', 'ciphertext']) {
      await q.query(`ALTER TABLE pending_payment ALTER COLUMN ${column} DROP NOT NULL`);
    }
    await q.query(`ALTER TABLE pending_payment ADD CONSTRAINT pending_payment_card_whole
      CHECK ((key_id IS NULL) = (ciphertext IS NULL) AND (iv IS NULL) = (ciphertext IS NULL) AND (tag IS NULL) = (ciphertext IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE pending_payment DROP CONSTRAINT pending_payment_card_whole');
    await q.query('DELETE FROM pending_payment WHERE ciphertext IS NULL');
    for (const column of ['key_id', 'iv', 'tag', 'ciphertext']) {
      await q.query(`ALTER TABLE pending_payment ALTER COLUMN ${column} SET NOT NULL`);
    }
  }
}
