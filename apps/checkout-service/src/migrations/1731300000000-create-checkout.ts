import { MigrationInterface, QueryRunner } from 'typeorm';

const ORDER_STATUSES = `'PENDING_PAYMENT', 'PAID', 'PAYMENT_FAILED', 'CANCELLED', 'FULFILLED', 'REFUNDED'`;

/** Carts, orders, parked payments and idempotency records. */
export class CreateCheckout1731300000000 implements MigrationInterface {
  name = 'CreateCheckout1731300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cart (
        id uuid PRIMARY KEY,
        user_id uuid,
        -- sha256 of the guest capability token; customer carts have none and are reached by sign-in only.
        token_hash bytea CHECK (token_hash IS NULL OR length(token_hash) = 32),
        status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'checked_out', 'merged', 'deleted')),
        -- Bumped by every change of the lines, so checkout can tell that it priced what it orders.
        version integer NOT NULL DEFAULT 0,
        merged_into uuid REFERENCES cart (id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT cart_owner CHECK (user_id IS NOT NULL OR token_hash IS NOT NULL)
      )`);
    // One open cart per customer: it is what "my cart" means and the target of a merge.
    await q.query(
      `CREATE UNIQUE INDEX cart_one_active_per_user ON cart (user_id) WHERE status = 'active' AND user_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE cart_item (
        cart_id uuid NOT NULL REFERENCES cart (id) ON DELETE CASCADE,
        sku varchar(64) NOT NULL,
        quantity smallint NOT NULL CONSTRAINT cart_item_quantity_range CHECK (quantity BETWEEN 1 AND 10),
        -- Last snapshot read from product-service; served (marked stale) when it is unreachable.
        name varchar(200) NOT NULL,
        unit_price integer NOT NULL CHECK (unit_price >= 0),
        currency char(3) NOT NULL,
        available boolean NOT NULL DEFAULT true,
        priced_at timestamptz(3) NOT NULL DEFAULT now(),
        added_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (cart_id, sku)
      )`);

    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        user_id uuid,
        email varchar(254),
        cart_id uuid NOT NULL REFERENCES cart (id),
        status varchar(20) NOT NULL CHECK (status IN (${ORDER_STATUSES})),
        version integer NOT NULL DEFAULT 0,
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        subtotal bigint NOT NULL CHECK (subtotal >= 0),
        shipping bigint NOT NULL DEFAULT 0 CHECK (shipping >= 0),
        total bigint NOT NULL CHECK (total >= 0),
        lines jsonb NOT NULL CHECK (jsonb_typeof(lines) = 'array' AND jsonb_array_length(lines) > 0),
        shipping_address jsonb NOT NULL CHECK (jsonb_typeof(shipping_address) = 'object'),
        reservation_key varchar(200) NOT NULL UNIQUE,
        -- Where stock stands in product-service; the worker settles 'reserved' rows of finished orders.
        reservation_status varchar(16) NOT NULL DEFAULT 'reserved' CHECK (reservation_status IN ('reserved', 'committed', 'released')),
        stock_sync_at timestamptz(3) NOT NULL DEFAULT now(),
        payment_key varchar(200) NOT NULL UNIQUE,
        payment_id varchar(100),
        decline_code varchar(100),
        cancel_reason varchar(100),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT orders_buyer CHECK (user_id IS NOT NULL OR email IS NOT NULL),
        CONSTRAINT orders_total CHECK (total = subtotal + shipping)
      )`);
    await q.query('CREATE INDEX orders_user_newest_idx ON orders (user_id, created_at DESC, id DESC)');
    await q.query('CREATE INDEX orders_newest_idx ON orders (created_at DESC, id DESC)');
    await q.query(`CREATE INDEX orders_stock_unsettled_idx ON orders (stock_sync_at)
      WHERE reservation_status = 'reserved' AND status <> 'PENDING_PAYMENT'`);

    // The card of an order whose charge could not be made yet, encrypted (AES-256-GCM, AAD = order id).
    // Deleted in the same transaction that moves the order out of PENDING_PAYMENT.
    await q.query(`
      CREATE TABLE pending_payment (
        order_id uuid PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
        key_id char(16) NOT NULL,
        iv bytea NOT NULL,
        tag bytea NOT NULL,
        ciphertext bytea NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz(3) NOT NULL,
        deadline_at timestamptz(3) NOT NULL,
        last_error varchar(200),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX pending_payment_due_idx ON pending_payment (next_attempt_at)');

    await q.query(`
      CREATE TABLE idempotency_record (
        key varchar(200) NOT NULL,
        -- 'user:<id>' or 'guest': one customer's keys never collide with another's.
        scope varchar(100) NOT NULL,
        fingerprint char(64) NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('in_progress', 'completed')),
        order_id uuid NOT NULL,
        -- A crashed owner's record can be taken over once its lease has run out.
        locked_until timestamptz(3) NOT NULL,
        response_status smallint,
        response_body jsonb,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key),
        CONSTRAINT idempotency_completed_has_response CHECK (status = 'in_progress' OR (response_status IS NOT NULL AND response_body IS NOT NULL))
      )`);
    await q.query('CREATE INDEX idempotency_record_created_idx ON idempotency_record (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_record');
    await q.query('DROP TABLE pending_payment');
    await q.query('DROP TABLE orders');
    await q.query('DROP TABLE cart_item');
    await q.query('DROP TABLE cart');
  }
}
