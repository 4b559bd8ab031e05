import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePayments1731100000000 implements MigrationInterface {
  name = 'CreatePayments1731100000000';

  async up(q: QueryRunner): Promise<void> {
    // Card data: brand and last four digits only. The full number and the CVC are never stored.
    await q.query(`
      CREATE TABLE payment (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL,
        customer_id uuid,
        status varchar(20) NOT NULL CHECK (status IN ('authorised', 'declined')),
        decline_code varchar(50),
        amount integer NOT NULL CHECK (amount BETWEEN 1 AND 100000000),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        refunded_amount integer NOT NULL DEFAULT 0,
        card_brand varchar(20) NOT NULL,
        card_last4 char(4) NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payment_decline_code_chk CHECK ((status = 'declined') = (decline_code IS NOT NULL)),
        CONSTRAINT payment_refund_bounds_chk CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
        CONSTRAINT payment_refund_only_authorised_chk CHECK (status = 'authorised' OR refunded_amount = 0)
      )`);
    await q.query('CREATE INDEX payment_order_id_idx ON payment (order_id, created_at)');

    await q.query(`
      CREATE TABLE refund (
        id uuid PRIMARY KEY,
        payment_id uuid NOT NULL REFERENCES payment (id),
        amount integer NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX refund_payment_id_idx ON refund (payment_id, created_at)');

    // Stripe-like idempotency: one row per key. The stored response is the exact JSON text sent
    // (text, not jsonb, so a replay is byte-identical).
    await q.query(`
      CREATE TABLE idempotency_key (
        key varchar(255) PRIMARY KEY,
        fingerprint char(64) NOT NULL,
        state varchar(20) NOT NULL CHECK (state IN ('in_progress', 'completed')),
        lock_token uuid NOT NULL,
        locked_at timestamptz NOT NULL DEFAULT now(),
        response_status smallint,
        response_body text,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        expires_at timestamptz NOT NULL,
        CONSTRAINT idempotency_key_response_chk
          CHECK ((state = 'completed') = (response_status IS NOT NULL AND response_body IS NOT NULL))
      )`);
    await q.query('CREATE INDEX idempotency_key_expires_at_idx ON idempotency_key (expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_key');
    await q.query('DROP TABLE refund');
    await q.query('DROP TABLE payment');
  }
}
