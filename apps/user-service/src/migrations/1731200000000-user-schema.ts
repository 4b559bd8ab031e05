import { MigrationInterface, QueryRunner } from 'typeorm';

export class UserSchema1731200000000 implements MigrationInterface {
  name = 'UserSchema1731200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email varchar(254) NOT NULL CHECK (email = lower(btrim(email))),
        name varchar(100) NOT NULL,
        password_hash text NOT NULL,
        roles text[] NOT NULL DEFAULT ARRAY['customer']::text[]
          CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['customer', 'admin']::text[]),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Emails are stored normalised; the index on lower() also holds if a writer forgets to.
    await q.query('CREATE UNIQUE INDEX app_user_email_key ON app_user (lower(email))');

    await q.query(`
      CREATE TABLE address (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        line1 varchar(200) NOT NULL,
        line2 varchar(200),
        city varchar(100) NOT NULL,
        postal_code varchar(20) NOT NULL,
        country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX address_user_idx ON address (user_id, created_at)');

    // A family is one sign-in; every refresh token it ever produced belongs to it, so a
    // replayed old token can revoke the whole chain with one row update.
    await q.query(`
      CREATE TABLE refresh_token_family (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_reason varchar(20) CHECK (revoked_reason IN ('logout', 'reuse'))
      )`);
    await q.query('CREATE INDEX refresh_token_family_user_idx ON refresh_token_family (user_id)');
    await q.query(`
      CREATE TABLE refresh_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        family_id uuid NOT NULL REFERENCES refresh_token_family (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz
      )`);
    await q.query('CREATE INDEX refresh_token_family_idx ON refresh_token (family_id)');
    await q.query('CREATE INDEX refresh_token_expires_idx ON refresh_token (expires_at)');

    await q.query(`
      CREATE TABLE signing_key (
        kid varchar(64) PRIMARY KEY,
        alg varchar(10) NOT NULL DEFAULT 'ES256',
        public_jwk jsonb NOT NULL,
        private_key text NOT NULL,
        state varchar(10) NOT NULL CHECK (state IN ('current', 'previous', 'retired')),
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz
      )`);
    // Exactly one signing key at a time, even when replicas start together on an empty table.
    await q.query(
      `CREATE UNIQUE INDEX signing_key_one_current ON signing_key (state) WHERE state = 'current'`,
    );
    // Private keys: only the owning role (this service) may read them.
    await q.query('REVOKE ALL ON signing_key FROM PUBLIC');

    // Fixed-window counters shared by all replicas. Unlogged: losing them in a crash is fine.
    await q.query(`
      CREATE UNLOGGED TABLE rate_limit_bucket (
        key varchar(128) PRIMARY KEY,
        hits integer NOT NULL,
        window_ends_at timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX rate_limit_bucket_window_idx ON rate_limit_bucket (window_ends_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rate_limit_bucket');
    await q.query('DROP TABLE signing_key');
    await q.query('DROP TABLE refresh_token');
    await q.query('DROP TABLE refresh_token_family');
    await q.query('DROP TABLE address');
    await q.query('DROP TABLE app_user');
  }
}
