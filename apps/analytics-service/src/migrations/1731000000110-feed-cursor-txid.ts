import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Producers' feeds order by (txid, seq) (libs/events OutboxTxid1731300000015). A cursor stored
 * before reads last_txid 0, a bare seq: the producer resumes it after that seq among its old
 * events and replays its newer ones once (applied events are deduplicated by id).
 */
export class FeedCursorTxid1731000000110 implements MigrationInterface {
  name = 'FeedCursorTxid1731000000110';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE feed_cursor ADD COLUMN last_txid bigint NOT NULL DEFAULT 0 CHECK (last_txid >= 0)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE feed_cursor DROP COLUMN last_txid');
  }
}
