import { MigrationInterface, QueryRunner } from 'typeorm';

const INDEX = 'outbox_event_txid_seq_idx';

/**
 * Feed order by writing transaction (see OutboxService.page), so appends need no global lock.
 * The timestamp is above every producer's own migrations: it runs last on existing databases.
 *
 * Outside a transaction, so the index builds CONCURRENTLY and event writes (checkouts) are not
 * blocked while it reads a large outbox; each step can be re-run after a failure.
 */
export class OutboxTxid1731300000015 implements MigrationInterface {
  name = 'OutboxTxid1731300000015';
  transaction = false as const;

  async up(q: QueryRunner): Promise<void> {
    // One statement: existing rows read the constant '0' (no table rewrite), new rows get
    // their transaction's id. Rows written before this all committed under the old append lock,
    // so ordering them first, by seq, keeps their commit order.
    await q.query(`
      ALTER TABLE outbox_event
        ADD COLUMN IF NOT EXISTS txid xid8 NOT NULL DEFAULT '0',
        ALTER COLUMN txid SET DEFAULT pg_current_xact_id()`);
    const [old] = (await q.query(
      `SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass($1)`,
      [INDEX],
    )) as Array<{ valid: boolean }>;
    // An interrupted CONCURRENTLY build leaves an invalid index behind; build it again.
    if (old && !old.valid) await q.query(`DROP INDEX CONCURRENTLY ${INDEX}`);
    // The pool's 5 s statement timeout is for requests, not for indexing a large table.
    await q.query('SET statement_timeout = 0');
    try {
      await q.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${INDEX} ON outbox_event (txid, seq)`);
    } finally {
      await q.query('RESET statement_timeout');
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${INDEX}`);
    await q.query('ALTER TABLE outbox_event DROP COLUMN IF EXISTS txid');
  }
}
