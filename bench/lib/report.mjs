// Turns the repetitions into the report: medians, ratios to the same repetition's ceiling,
// failures summed; then the JSON file and the Markdown table next to it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shoppersMarkdown } from './shoppers.mjs';
import { median } from './stats.mjs';
import { storefrontMarkdown } from './storefront.mjs';

const round = (x, digits = 1) => (x === null || x === undefined ? null : Number(x.toFixed(digits)));
const sum = (xs) => xs.reduce((a, b) => a + (b ?? 0), 0);

function mergeCounts(maps) {
  const out = {};
  for (const m of maps) for (const [k, v] of Object.entries(m)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** `runs`: one entry per repetition, `{ ceiling, http: {key: summary}, checkout: summary }`. */
export function summarise(runs) {
  const withCeiling = runs.filter((r) => r.ceiling);
  const ceiling = withCeiling.length
    ? {
        okPerSec: round(median(withCeiling.map((r) => r.ceiling.okPerSec)), 0),
        p50Ms: median(withCeiling.map((r) => r.ceiling.p50Ms)),
        p99Ms: median(withCeiling.map((r) => r.ceiling.p99Ms)),
      }
    : null;
  // Without the ceiling (BENCH_SCENARIOS), there is no ratio to it.
  const ratio = (xs) => (ceiling ? round(median(xs), 5) : null);
  const http = Object.keys(runs[0].http).map((key) => {
    const reps = runs.map((r) => r.http[key]);
    return {
      scenario: reps[0].scenario,
      target: reps[0].target,
      okPerSec: round(median(reps.map((s) => s.okPerSec)), 0),
      ratioToCeiling: ceiling
        ? round(median(runs.map((r) => r.http[key].okPerSec / r.ceiling.okPerSec)), 4)
        : null,
      p50Ms: median(reps.map((s) => s.p50Ms)),
      p99Ms: median(reps.map((s) => s.p99Ms)),
      non2xx: sum(reps.map((s) => s.non2xx)),
      errors: sum(reps.map((s) => s.errors)),
      repetitions: reps.map((s) => round(s.okPerSec, 0)),
      statusCodes: mergeCounts(reps.map((s) => s.statusCodes ?? {})),
    };
  });
  for (const row of http) {
    if (row.target !== 'edge') continue;
    const direct = http.find((d) => d.scenario === row.scenario && d.target === 'direct');
    row.ratioToDirect = direct?.okPerSec ? round(row.okPerSec / direct.okPerSec, 3) : null;
  }
  return { ceiling, http, checkout: runs[0].checkout ? summariseCheckout(runs, ratio) : null };
}

function summariseCheckout(runs, ratio) {
  const c = runs.map((r) => r.checkout);
  const failures = mergeCounts(c.map((s) => s.failures));
  return {
    completedPerSec: round(median(c.map((s) => s.completedPerSec)), 1),
    ratioToCeiling: ratio(runs.map((r) => r.checkout.completedPerSec / r.ceiling?.okPerSec)),
    p50Ms: round(median(c.map((s) => s.p50Ms)), 1),
    p99Ms: round(median(c.map((s) => s.p99Ms)), 1),
    completed: sum(c.map((s) => s.completed)),
    failed: sum(c.map((s) => s.failed)),
    failures,
    repetitions: c.map((s) => round(s.completedPerSec, 1)),
    cost: medianCost(c.map((s) => s.cost).filter(Boolean)),
  };
}

/** Each figure's median over the repetitions (per process group, per service database). */
function medianCost(costs) {
  if (costs.length === 0) return null;
  const med = (pick) => round(median(costs.map(pick).filter((x) => x !== null && x !== undefined)), 2);
  const groups = [...new Set(costs.flatMap((k) => Object.keys(k.cpuMsPerCheckout)))];
  const out = {
    totalCpuMsPerCheckout: med((k) => k.totalCpuMsPerCheckout),
    cpuMsPerCheckout: Object.fromEntries(groups.map((g) => [g, med((k) => k.cpuMsPerCheckout[g])])),
    totalNetCpuMsPerCheckout: med((k) => k.totalNetCpuMsPerCheckout),
    netCpuMsPerCheckout: Object.fromEntries(groups.map((g) => [g, med((k) => k.netCpuMsPerCheckout?.[g])])),
    idleCpuMsPerS: Object.fromEntries(groups.map((g) => [g, med((k) => k.idleCpuMsPerS?.[g])])),
    repetitions: costs.map((k) => round(k.totalCpuMsPerCheckout, 2)),
    netRepetitions: costs.map((k) => round(k.totalNetCpuMsPerCheckout, 2)),
  };
  const sqls = costs.map((k) => k.sqlPerCheckout).filter(Boolean);
  if (sqls.length > 0) {
    const fields = ['xacts', 'scans', 'written'];
    const medSql = (pick) => round(median(sqls.map(pick).filter((x) => x !== null && x !== undefined)), 2);
    const services = [...new Set(sqls.flatMap((q) => Object.keys(q.byService)))];
    out.sqlPerCheckout = {
      ...Object.fromEntries(fields.map((f) => [f, medSql((q) => q[f])])),
      byService: Object.fromEntries(
        services.map((s) => [
          s,
          Object.fromEntries(fields.map((f) => [f, medSql((q) => q.byService[s]?.[f])])),
        ]),
      ),
    };
  }
  return out;
}

/**
 * Per service: the largest replica, idle and at its peak, and all its replicas together
 * (the sum of each one's peak), so the node total splits into groups.
 */
export function memoryByService(idle, peak, replicas) {
  const out = {};
  for (const r of replicas) {
    const s = (out[r.service] ??= { idleMb: 0, peakMb: 0, replicas: 0, groupIdleMb: 0, groupPeakMb: 0 });
    const idleMb = idle.perProcess[r.id] ?? 0;
    // Start-up can use more than the load does: peak is whichever was higher.
    const peakMb = Math.max(idleMb, peak.perProcess[r.id] ?? 0);
    s.idleMb = Math.max(s.idleMb, round(idleMb));
    s.peakMb = Math.max(s.peakMb, round(peakMb));
    s.replicas += 1;
    s.groupIdleMb = round(s.groupIdleMb + idleMb);
    s.groupPeakMb = round(s.groupPeakMb + peakMb);
  }
  const runnerIdle = round(idle.perProcess['runner+edge']);
  const runnerPeak = round(Math.max(idle.perProcess['runner+edge'], peak.perProcess['runner+edge'] ?? 0));
  out['runner+edge'] = {
    idleMb: runnerIdle,
    peakMb: runnerPeak,
    replicas: 1,
    groupIdleMb: runnerIdle,
    groupPeakMb: runnerPeak,
  };
  return out;
}

export function markdown(report) {
  const { machine, config, results, memory, coldStart } = report;
  const pct = (x) => (x === null ? '–' : `${(x * 100).toFixed(x < 0.01 ? 2 : 1)} %`);
  const ms = (x) => (x === null || x === undefined ? '–' : x.toFixed(x < 10 ? 1 : 0));
  const lines = [
    `Machine: ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, PostgreSQL ${machine.postgres}, load average (1/5/15 min) ${machine.loadAverageAtStart.join(' / ')} at start, ${machine.loadAverageAtEnd?.join(' / ') ?? '?'} at end.`,
    `Run: ${config.repeat} repetitions (median shown) of ${config.durationS} s after ${config.warmupS} s warm-up; ${config.connections} connections; ${config.customers} checkout customers; ${config.replicas} replicas per service; catalog ${report.catalog.products} products / ${report.catalog.variants} variants; log level ${config.logLevel}.`,
    '',
    '| scenario | target | throughput | % of ceiling | p50 ms | p99 ms | edge / direct | non-2xx + errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...(results.ceiling
      ? [
          `| Fastify hello (ceiling) | direct | ${results.ceiling.okPerSec} req/s | 100 % | ${ms(results.ceiling.p50Ms)} | ${ms(results.ceiling.p99Ms)} | | |`,
        ]
      : []),
    ...results.http.map(
      (r) =>
        `| ${r.scenario} | ${r.target} | ${r.okPerSec} req/s | ${pct(r.ratioToCeiling)} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${r.ratioToDirect === undefined ? '' : pct(r.ratioToDirect)} | ${r.non2xx + r.errors} |`,
    ),
    ...(results.checkout
      ? [
          `| checkout (cart → item → checkout), ${config.customers} customers | edge | ${results.checkout.completedPerSec} checkouts/s | ${pct(results.checkout.ratioToCeiling)} | ${ms(results.checkout.p50Ms)} | ${ms(results.checkout.p99Ms)} | | ${results.checkout.failed} failed |`,
        ]
      : []),
    '',
    `Non-2xx answers by status: ${nonOk(results.http) || 'none'}.`,
    ...(results.checkout
      ? [`Checkout failures by kind: ${counts(results.checkout.failures) || 'none'}.`]
      : []),
    `Orders: ${report.orders.accepted} accepted (warm-ups and shoppers included), ${report.orders.stored} stored.`,
    '',
    ...costMarkdown(results.checkout?.cost),
    ...shoppersMarkdown(report.shoppers),
    ...storefrontMarkdown(report.storefront),
    '| process | idle RSS MB | peak RSS MB | all its processes: idle / peak MB (how many) | cold start ms | cold start / bare node |',
    '|---|---:|---:|---:|---:|---:|',
    ...Object.entries(memory.byService).map(([name, m]) => {
      const cs = coldStart.services[name];
      const group =
        m.groupPeakMb === undefined
          ? ''
          : `${round(m.groupIdleMb, 0)} / ${round(m.groupPeakMb, 0)} (${m.replicas})`;
      return `| ${name} | ${m.idleMb} | ${m.peakMb} | ${group} | ${cs ? ms(cs.ms) : ''} | ${cs ? `${cs.ratioToBareNode.toFixed(1)}×` : ''} |`;
    }),
    `| all node processes | ${round(memory.idle.totalNodeMb, 0)} | ${round(memory.peak.totalNodeMb, 0)} | | bare node: ${ms(coldStart.bareNodeMs)} | |`,
    `| PostgreSQL (PSS, all backends) | ${round(memory.idle.postgresPssMb, 0)} | ${round(memory.peakPostgresPssMb, 0)} | | | |`,
    '',
  ];
  return lines.join('\n');
}

/** CPU-ms and database work per completed checkout (bench/lib/checkout-cost.mjs). */
function costMarkdown(cost) {
  if (!cost) return [];
  const f = (x) => (x === null || x === undefined ? '–' : x.toFixed(x < 10 ? 2 : 1));
  const lines = [
    `CPU per completed checkout: ${f(cost.totalCpuMsPerCheckout)} ms in all (repetitions ${cost.repetitions.map(f).join(', ')}), ${f(cost.totalNetCpuMsPerCheckout)} ms less the idle rate (repetitions ${cost.netRepetitions.map(f).join(', ')}).`,
    '',
    '| process group | CPU ms per checkout | less idle | idle CPU ms/s |',
    '|---|---:|---:|---:|',
    ...Object.entries(cost.cpuMsPerCheckout).map(
      ([g, ms]) => `| ${g} | ${f(ms)} | ${f(cost.netCpuMsPerCheckout[g])} | ${f(cost.idleCpuMsPerS[g])} |`,
    ),
    '',
  ];
  const sql = cost.sqlPerCheckout;
  if (sql) {
    lines.push(
      '| database (per checkout) | transactions | scans started | rows written |',
      '|---|---:|---:|---:|',
      ...Object.entries(sql.byService).map(
        ([s, d]) => `| ${s} | ${f(d.xacts)} | ${f(d.scans)} | ${f(d.written)} |`,
      ),
      `| all | ${f(sql.xacts)} | ${f(sql.scans)} | ${f(sql.written)} |`,
      '',
    );
  }
  return lines;
}

const counts = (m) =>
  Object.entries(m)
    .map(([k, v]) => `${k} × ${v}`)
    .join(', ');

function nonOk(rows) {
  return rows
    .map((r) => [
      r,
      counts(Object.fromEntries(Object.entries(r.statusCodes ?? {}).filter(([c]) => !c.startsWith('2')))),
    ])
    .filter(([, text]) => text)
    .map(([r, text]) => `${r.scenario} (${r.target}): ${text}`)
    .join('; ');
}

export function writeReport(outDir, report) {
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, 'bench.json');
  const md = join(outDir, 'bench.md');
  writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(md, markdown(report));
  return { json, md };
}
