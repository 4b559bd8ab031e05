import { MigrationInterface, QueryRunner } from 'typeorm';

const SLUG_CHECK = `~ '^[a-z0-9]+(-[a-z0-9]+)*$'`;

/** Categories, products and variants, with the indexes behind every public sort, filter and search. */
export class CreateCatalog1731100000000 implements MigrationInterface {
  name = 'CreateCatalog1731100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await q.query(`
      CREATE TABLE category (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug varchar(100) NOT NULL CONSTRAINT category_slug_key UNIQUE CONSTRAINT category_slug_format CHECK (slug ${SLUG_CHECK}),
        name varchar(100) NOT NULL CHECK (length(name) > 0),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE product (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug varchar(100) NOT NULL CONSTRAINT product_slug_key UNIQUE CONSTRAINT product_slug_format CHECK (slug ${SLUG_CHECK}),
        name varchar(200) NOT NULL CHECK (length(name) > 0),
        description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
        category_id uuid NOT NULL REFERENCES category (id),
        -- Copied from category by trigger: a generated column can only read its own row.
        category_name varchar(100) NOT NULL DEFAULT '',
        status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'archived')),
        images text[] NOT NULL DEFAULT '{}' CHECK (cardinality(images) <= 10),
        -- Lowest variant price, maintained by trigger; the key of the price sorts.
        min_price integer NOT NULL DEFAULT 0 CHECK (min_price >= 0),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        search_vector tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english'::regconfig, name), 'A') ||
          setweight(to_tsvector('english'::regconfig, description), 'B') ||
          setweight(to_tsvector('english'::regconfig, category_name), 'C')
        ) STORED
      )`);
    await q.query(`
      CREATE TABLE product_variant (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES product (id) ON DELETE CASCADE,
        sku varchar(64) NOT NULL CONSTRAINT product_variant_sku_key UNIQUE,
        options jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(options) = 'object'),
        price integer NOT NULL CONSTRAINT product_variant_price_nonnegative CHECK (price >= 0),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        position smallint NOT NULL DEFAULT 0,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX product_variant_product_idx ON product_variant (product_id, position, id)');

    // Keyset indexes: one per public sort, with and without the category filter; only active products are listed.
    const active = `WHERE status = 'active'`;
    await q.query(`CREATE INDEX product_newest_idx ON product (created_at DESC, id DESC) ${active}`);
    await q.query(`CREATE INDEX product_price_idx ON product (min_price, id) ${active}`);
    await q.query(`CREATE INDEX product_name_idx ON product (lower(name), id) ${active}`);
    await q.query(
      `CREATE INDEX product_category_newest_idx ON product (category_id, created_at DESC, id DESC) ${active}`,
    );
    await q.query(
      `CREATE INDEX product_category_price_idx ON product (category_id, min_price, id) ${active}`,
    );
    await q.query(
      `CREATE INDEX product_category_name_idx ON product (category_id, lower(name), id) ${active}`,
    );
    await q.query('CREATE INDEX product_search_idx ON product USING gin (search_vector)');
    await q.query('CREATE INDEX product_name_trgm_idx ON product USING gin (name gin_trgm_ops)');

    await q.query(`
      CREATE FUNCTION product_set_category_name() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT c.name INTO NEW.category_name FROM category c WHERE c.id = NEW.category_id;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER product_category_name BEFORE INSERT OR UPDATE OF category_id ON product
      FOR EACH ROW EXECUTE FUNCTION product_set_category_name()`);
    await q.query(`
      CREATE FUNCTION category_propagate_name() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE product SET category_name = NEW.name WHERE category_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER category_name_changed AFTER UPDATE OF name ON category
      FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION category_propagate_name()`);
    await q.query(`
      CREATE FUNCTION product_refresh_min_price() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE pid uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.product_id ELSE NEW.product_id END;
      BEGIN
        -- Lock first so the min below is computed on a fresh snapshot, even when two writers race.
        PERFORM 1 FROM product WHERE id = pid FOR UPDATE;
        UPDATE product SET min_price = coalesce((SELECT min(price) FROM product_variant WHERE product_id = pid), 0)
        WHERE id = pid;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER product_variant_min_price AFTER INSERT OR DELETE OR UPDATE OF price ON product_variant
      FOR EACH ROW EXECUTE FUNCTION product_refresh_min_price()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE product_variant');
    await q.query('DROP TABLE product');
    await q.query('DROP TABLE category');
    await q.query(
      'DROP FUNCTION product_refresh_min_price(), category_propagate_name(), product_set_category_name()',
    );
  }
}
