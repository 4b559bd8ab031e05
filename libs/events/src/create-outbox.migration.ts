import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOutbox1731000000000 implements MigrationInterface {
  name = 'CreateOutbox1731000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_event (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        type varchar(100) NOT NULL,
        aggregate_id varchar(200) NOT NULL,
        payload jsonb NOT NULL,
        traceparent varchar(128),
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX outbox_event_occurred_at_idx ON outbox_event (occurred_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outbox_event');
  }
}
