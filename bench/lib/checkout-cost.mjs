// The checkout scenario with its cost: CPU-milliseconds per completed checkout for each process
// group, and PostgreSQL's counters per checkout, read at the start and the end of the measured
// window (the load generator says when). Unlike checkouts per second, these barely move when
// other work shares the cores.
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuBetween, cpuSnapshot } from './cpu.mjs';
import { measure } from './load.mjs';
import { sqlBetween, sqlSnapshot } from './sql-stats.mjs';

async function snapshot(platform) {
  // CPU first and synchronously: the moment the window starts or ends.
  const cpu = cpuSnapshot(platform);
  const sql = await sqlSnapshot(platform).catch((err) => ({ error: String(err.message ?? err) }));
  // CLOCK_MONOTONIC in µs, V8's clock for .cpuprofile timestamps: profile-summary.mjs --bench
  // keeps only the samples inside the window.
  return { cpu, sql, at: performance.now(), monotonicUs: Number(process.hrtime.bigint() / 1000n) };
}

const per = (x, n) => (n > 0 ? x / n : null);

/**
 * What each group burns with no load at all (probes, pollers, timers), in CPU-ms per second:
 * at a few checkouts per second on a busy machine, that idle share per checkout is large.
 */
export async function idleCpuRate(platform, seconds = 3) {
  const before = cpuSnapshot(platform);
  const started = performance.now();
  await sleep(seconds * 1000);
  const ms = cpuBetween(before, cpuSnapshot(platform));
  const s = (performance.now() - started) / 1000;
  return Object.fromEntries(Object.entries(ms).map(([g, v]) => [g, v / s]));
}

export function costPerCheckout(before, after, completed, idle = {}) {
  const windowS = (after.at - before.at) / 1000;
  const cpuMs = cpuBetween(before.cpu, after.cpu);
  const cpuMsPerCheckout = Object.fromEntries(
    Object.entries(cpuMs).map(([g, ms]) => [g, per(ms, completed)]),
  );
  // The same, less what the group would have used idle over the window: the load's own cost.
  const netMs = Object.fromEntries(
    Object.entries(cpuMs).map(([g, ms]) => [g, Math.max(0, ms - (idle[g] ?? 0) * windowS)]),
  );
  const total = (m) => Object.values(m).reduce((a, b) => a + b, 0);
  const cost = {
    windowS,
    window: { fromUs: before.monotonicUs, toUs: after.monotonicUs },
    cpuMs,
    cpuMsPerCheckout,
    totalCpuMsPerCheckout: per(total(cpuMs), completed),
    idleCpuMsPerS: idle,
    netCpuMsPerCheckout: Object.fromEntries(Object.entries(netMs).map(([g, ms]) => [g, per(ms, completed)])),
    totalNetCpuMsPerCheckout: per(total(netMs), completed),
  };
  if (!before.sql.error && !after.sql.error) {
    const sql = sqlBetween(before.sql, after.sql);
    const perCheckout = (d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, per(v, completed)]));
    cost.sqlPerCheckout = {
      ...perCheckout(sql.total),
      byService: Object.fromEntries(Object.entries(sql.byService).map(([s, d]) => [s, perCheckout(d)])),
    };
  }
  return cost;
}

/** measure('checkout', job) plus `cost`, after a few idle seconds to read the idle CPU rate. */
export async function measureCheckout(platform, job) {
  const idle = await idleCpuRate(platform);
  const marks = {};
  const summary = await measure('checkout', job, (window) => {
    marks[window] = snapshot(platform);
  });
  if (!marks.start || !marks.end) return summary;
  const [before, after] = await Promise.all([marks.start, marks.end]);
  return { ...summary, cost: costPerCheckout(before, after, summary.completed, idle) };
}
