import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAnalytics1731000000100 implements MigrationInterface {
  name = 'CreateAnalytics1731000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE feed_cursor (
        source varchar(100) PRIMARY KEY,
        last_seq bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Dedupe log: an event id is applied at most once, in the same transaction as its effect.
    await q.query(`
      CREATE TABLE processed_event (
        event_id uuid PRIMARY KEY,
        source varchar(100) NOT NULL,
        seq bigint NOT NULL,
        type varchar(100) NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE kpi_minute (
        bucket timestamptz NOT NULL,
        metric varchar(64) NOT NULL,
        dimension varchar(64) NOT NULL DEFAULT '',
        value bigint NOT NULL,
        PRIMARY KEY (bucket, metric, dimension)
      )`);
    await q.query('CREATE INDEX kpi_minute_metric_bucket_idx ON kpi_minute (metric, bucket)');
    await q.query(`
      CREATE TABLE user_activity (
        user_id varchar(200) NOT NULL,
        bucket timestamptz NOT NULL,
        PRIMARY KEY (bucket, user_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE user_activity, kpi_minute, processed_event, feed_cursor');
  }
}
