// Micro-benchmark of event-writing transactions (issue 16 item 3): N clients, each in a loop of
// BEGIN; INSERT a business row; OutboxService.append; COMMIT, for a fixed time, against a
// throwaway embedded PostgreSQL on 127.0.0.1. Compare two builds of libs/events (e.g. with and
// without the global append lock) by pointing --events at each one's compiled folder.
//
//   node bench/lib/outbox-append.mjs [--events libs/events/dist] [--clients 8] [--seconds 2]
//                                    [--durable] [--runs 1]
//
// --durable keeps fsync and synchronous_commit on, so a commit waits for its WAL flush (as in
// production); without it the cluster is the tests' fast one. Prints one JSON line per run:
// transactions/s, latency, CPU-ms per transaction of this process and of PostgreSQL, and how
// often a backend was seen waiting on a lock.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuMs } from './cpu.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: join(root, 'libs', 'events', 'dist') },
    clients: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '2' },
    runs: { type: 'string', default: '1' },
    durable: { type: 'boolean', default: false },
  },
});
const clients = Number(args.clients);
const seconds = Math.min(Number(args.seconds), 30);

const events = require(resolve(args.events, 'index.js'));
const { dataSourceOptions, migrateWithLock } = require(join(root, 'libs', 'database', 'dist', 'index.js'));
const { sampleViewEvent, startLocalPostgres } = require(join(root, 'libs', 'testkit', 'dist', 'index.js'));
const { DataSource } = require('typeorm');

function postgresCpuMs(dataDir) {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let total = cpuMs(postmaster) ?? 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster)
        total += cpuMs(entry) ?? 0;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function run(ds, outbox, dataDir) {
  const deadline = Date.now() + seconds * 1000;
  const latencies = [];
  let lockWaitSamples = 0;
  let samples = 0;
  let sampling = Promise.resolve();
  const sampler = setInterval(() => {
    sampling = ds
      .query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
      )
      .then(([{ n }]) => {
        samples++;
        lockWaitSamples += n;
      });
  }, 20);
  const cpu0 = process.cpuUsage();
  const pg0 = postgresCpuMs(dataDir);
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        for (let i = 0; Date.now() < deadline; i++) {
          const t0 = performance.now();
          await ds.transaction(async (m) => {
            await m.query('INSERT INTO bench_item (client, n) VALUES ($1, $2)', [c, i]);
            await outbox.append(m, sampleViewEvent(`bench-${c}-${i}`));
          });
          latencies.push(performance.now() - t0);
        }
      }),
    );
  } finally {
    clearInterval(sampler);
    await sampling;
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pgMs = postgresCpuMs(dataDir) - pg0;
  latencies.sort((a, b) => a - b);
  const tx = latencies.length;
  return {
    events: args.events,
    durable: args.durable,
    clients,
    seconds,
    transactions: tx,
    txPerSecond: Math.round(tx / elapsed),
    p50Ms: Number(percentile(latencies, 0.5).toFixed(2)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(2)),
    benchCpuMsPerTx: Number(((cpu.user + cpu.system) / 1000 / tx).toFixed(3)),
    postgresCpuMsPerTx: Number((pgMs / tx).toFixed(3)),
    backendsWaitingOnLocks: Number((lockWaitSamples / Math.max(1, samples)).toFixed(2)),
  };
}

async function main() {
  const dataDir = join(tmpdir(), `ha-shop-outbox-bench-${process.pid}`);
  const pg = await startLocalPostgres({ dataDir, fast: !args.durable });
  let ds;
  try {
    const url = pg.urlFor('postgres');
    ds = await new DataSource(
      dataSourceOptions({
        url,
        applicationName: 'outbox-bench',
        entities: events.OUTBOX_ENTITIES,
        migrations: events.OUTBOX_MIGRATIONS,
        poolSize: clients + 2,
      }),
    ).initialize();
    await migrateWithLock(ds);
    await ds.query('CREATE TABLE bench_item (id bigserial PRIMARY KEY, client int NOT NULL, n int NOT NULL)');
    const outbox = new events.OutboxService(ds, 'outbox-bench');
    for (let r = 0; r < Number(args.runs); r++) console.log(JSON.stringify(await run(ds, outbox, dataDir)));
  } finally {
    await ds?.destroy();
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
