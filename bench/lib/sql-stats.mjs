// What PostgreSQL counted per service database (pg_stat_database, pg_stat_user_tables), read
// before and after a measured window. pg_stat_statements is not loaded, so these are proxies
// for statements: transactions (each autocommit statement is one), index and sequential scans
// started (a SELECT, UPDATE or DELETE on a table starts at least one; foreign-key checks too),
// and rows written. Busy backends flush their counts about once a second, so both ends of the
// window lag by up to a second, which about cancels out under steady load.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const SCANS = `SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0)::bigint AS scans,
  coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint AS written FROM pg_stat_user_tables`;
const XACTS = `SELECT (xact_commit + xact_rollback)::bigint AS xacts FROM pg_stat_database WHERE datname = current_database()`;

/** `{ service: { xacts, scans, written } }` now, one short connection per service database. */
export async function sqlSnapshot(platform) {
  const { Client } = require('pg');
  const services = [...new Set(platform.replicas().map((r) => r.service))];
  const out = {};
  await Promise.all(
    services.map(async (service) => {
      const db = new Client({ connectionString: platform.databaseUrl(service) });
      await db.connect();
      try {
        const [{ scans, written }] = (await db.query(SCANS)).rows;
        const [{ xacts }] = (await db.query(XACTS)).rows;
        out[service] = { xacts: Number(xacts), scans: Number(scans), written: Number(written) };
      } finally {
        await db.end();
      }
    }),
  );
  return out;
}

/**
 * Per service and in total, what the window added. The two snapshots' own connections add
 * two transactions per database; they are taken off.
 */
export function sqlBetween(before, after) {
  const out = {};
  const total = { xacts: 0, scans: 0, written: 0 };
  for (const [service, now] of Object.entries(after)) {
    const was = before[service] ?? { xacts: 0, scans: 0, written: 0 };
    const d = {
      xacts: Math.max(0, now.xacts - was.xacts - 2),
      scans: now.scans - was.scans,
      written: now.written - was.written,
    };
    out[service] = d;
    for (const k of Object.keys(total)) total[k] += d[k];
  }
  return { byService: out, total };
}
