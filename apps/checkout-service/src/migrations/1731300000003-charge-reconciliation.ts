import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What checkout must remember so no charge outlives its order:
 * - `payment_reconcile_at`: a cancelled order whose charges payment-service has not yet been
 *   asked about (it was cancelled without knowing); the sweep asks, refunds, then clears it;
 * - `refund_requested_at`: an admin refund is under way, so a fulfil cannot slip in between the
 *   refund at payment-service and the order becoming REFUNDED.
 */
export class ChargeReconciliation1731300000003 implements MigrationInterface {
  name = 'ChargeReconciliation1731300000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders
      ADD COLUMN payment_reconcile_at timestamptz(3),
      ADD COLUMN payment_reconcile_attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN refund_requested_at timestamptz(3)`);
    await q.query(
      'CREATE INDEX orders_payment_reconcile_idx ON orders (payment_reconcile_at) WHERE payment_reconcile_at IS NOT NULL',
    );
    // Orders cancelled before this sweep existed may carry a charge nobody looked for.
    await q.query(`UPDATE orders SET payment_reconcile_at = now() WHERE status = 'CANCELLED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX orders_payment_reconcile_idx');
    await q.query(`ALTER TABLE orders DROP COLUMN payment_reconcile_at, DROP COLUMN payment_reconcile_attempts,
      DROP COLUMN refund_requested_at`);
  }
}
