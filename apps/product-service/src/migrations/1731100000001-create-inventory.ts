import { MigrationInterface, QueryRunner } from 'typeorm';

/** Stock levels per SKU and stock reservations made by checkout. */
export class CreateInventory1731100000001 implements MigrationInterface {
  name = 'CreateInventory1731100000001';

  async up(q: QueryRunner): Promise<void> {
    // Separate from product_variant so hot stock updates never rewrite catalog rows.
    await q.query(`
      CREATE TABLE stock (
        sku varchar(64) PRIMARY KEY REFERENCES product_variant (sku) ON DELETE CASCADE ON UPDATE CASCADE,
        available integer NOT NULL DEFAULT 0 CONSTRAINT stock_available_nonnegative CHECK (available >= 0),
        reserved integer NOT NULL DEFAULT 0 CONSTRAINT stock_reserved_nonnegative CHECK (reserved >= 0),
        sold integer NOT NULL DEFAULT 0 CONSTRAINT stock_sold_nonnegative CHECK (sold >= 0),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE reservation (
        reservation_key varchar(100) PRIMARY KEY,
        status varchar(16) NOT NULL CHECK (status IN ('reserved', 'committed', 'released', 'expired')),
        items jsonb NOT NULL CHECK (jsonb_typeof(items) = 'array'),
        expires_at timestamptz(3) NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        committed_at timestamptz(3),
        released_at timestamptz(3)
      )`);
    // The sweeper only ever looks at live reservations that are due.
    await q.query(`CREATE INDEX reservation_due_idx ON reservation (expires_at) WHERE status = 'reserved'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE reservation');
    await q.query('DROP TABLE stock');
  }
}
