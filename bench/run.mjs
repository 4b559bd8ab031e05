// `make bench`: starts the shop (embedded PostgreSQL, every service, the edge) and a bare
// Fastify "hello" as the ceiling, then measures each scenario with autocannon or the
// checkout generator in separate processes on loopback, BENCH_REPEAT times, and writes
// bench.json and bench.md (docs/performance.md explains every figure).
import { spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchConfig } from './lib/config.mjs';
import { coldStarts } from './lib/cold-start.mjs';
import { measureCheckout } from './lib/checkout-cost.mjs';
import { measure } from './lib/load.mjs';
import { MemorySampler, memorySnapshot, postgresPssMb } from './lib/memory.mjs';
import { startPlatform } from './lib/platform.mjs';
import { ordersStored } from './lib/orders.mjs';
import { memoryByService, summarise, writeReport } from './lib/report.mjs';
import { HTTP_SCENARIOS, httpJob, targets } from './lib/scenarios.mjs';
import { buildStorefront, measureStorefront } from './lib/storefront.mjs';
import { runShoppers } from './lib/shoppers.mjs';

const t0 = performance.now();
const log = (line) => console.log(`[bench +${((performance.now() - t0) / 1000).toFixed(0)}s] ${line}`);
const cfg = benchConfig();
const fmt = (x) => (x === null || x === undefined ? '–' : x.toFixed(1));

async function startCeiling() {
  const child = spawn(process.execPath, [new URL('./lib/hello-server.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = await once(child.stdout, 'data');
  return { origin: `http://127.0.0.1:${Number(String(chunk).trim())}`, stop: () => child.kill('SIGKILL') };
}

async function repetition(platform, ceiling, rep, skuOffset) {
  const base = { connections: cfg.connections, durationS: cfg.durationS, warmupS: cfg.warmupS };
  const run = { http: {} };
  const wanted = (id) => cfg.scenarios.includes(id);
  if (wanted('ceiling')) {
    run.ceiling = await measure('autocannon', { ...base, kind: 'get', origin: ceiling.origin, paths: ['/'] });
    log(`rep ${rep} ceiling: ${run.ceiling.okPerSec.toFixed(0)} req/s`);
  }
  for (const scenario of HTTP_SCENARIOS.filter((s) => wanted(s.id))) {
    for (const t of targets(platform, scenario)) {
      const s = await measure('autocannon', httpJob(cfg, platform, scenario, t));
      run.http[`${scenario.name} / ${t.target}`] = { scenario: scenario.name, target: t.target, ...s };
      log(
        `rep ${rep} ${scenario.name} (${t.target}): ${s.okPerSec.toFixed(0)} req/s, p50 ${fmt(s.p50Ms)} ms, p99 ${fmt(s.p99Ms)} ms, non-2xx ${s.non2xx}, errors ${s.errors}`,
      );
    }
  }
  if (!wanted('checkout')) return run;
  run.checkout = await measureCheckout(platform, {
    root: cfg.root,
    origin: platform.edgeUrl,
    prefix: '/api',
    customers: cfg.customers,
    durationS: cfg.durationS,
    warmupS: cfg.warmupS,
    skus: platform.catalog.skus,
    skuOffset,
  });
  const c = run.checkout;
  log(
    `rep ${rep} checkout: ${c.completedPerSec.toFixed(1)}/s, p50 ${fmt(c.p50Ms)} ms, p99 ${fmt(c.p99Ms)} ms, failed ${c.failed}, ${costLine(c.cost)}`,
  );
  return run;
}

function costLine(cost) {
  if (!cost) return 'no CPU figures';
  const groups = Object.entries(cost.netCpuMsPerCheckout)
    .map(([g, ms]) => `${g} ${fmt(ms)}`)
    .join(', ');
  const sql = cost.sqlPerCheckout;
  return `CPU ms/checkout ${fmt(cost.totalCpuMsPerCheckout)}, less idle ${fmt(cost.totalNetCpuMsPerCheckout)} (${groups})${sql ? `, per checkout: ${fmt(sql.xacts)} transactions, ${fmt(sql.scans)} scans, ${fmt(sql.written)} rows written` : ''}`;
}

async function main() {
  const machine = {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  };
  log(`starting the shop (${cfg.replicas} replicas per service) and the ceiling server`);
  const started = {};
  let stopping;
  const stopAll = () =>
    (stopping ??= (async () => {
      started.ceiling?.stop();
      await started.stopPlatform?.();
    })());
  // Replicas run in their own process groups: whoever stops the bench must not orphan them.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stopAll().then(() => process.exit(1));
  }, 1000).unref();
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.once(signal, () => void stopAll().then(() => process.exit(130)));
  try {
    // Before the shop starts: a build that has to run must not share the cores with any measurement.
    let storefrontBuild = { ok: false, error: 'skipped (BENCH_SCENARIOS)' };
    if (cfg.scenarios.includes('storefront')) {
      log(`storefront production build (BENCH_STOREFRONT_BUILD=${cfg.storefrontBuild})`);
      storefrontBuild = await buildStorefront(cfg.root, cfg.storefrontBuild);
      log(
        `storefront build: ${storefrontBuild.ok ? (storefrontBuild.reused ? 'reused' : 'built') : storefrontBuild.error}`,
      );
    }
    const ceiling = (started.ceiling = await startCeiling());
    const platform = await startPlatform(cfg, (stop) => (started.stopPlatform = stop));
    machine.postgres = platform.postgresVersion;
    log(`catalog: ${platform.catalog.products} products, ${platform.catalog.variants} variants`);
    await sleep(2000);
    const idle = memorySnapshot(platform);
    let coldStart = { bareNodeMs: null, services: {} };
    if (cfg.scenarios.includes('cold-start')) {
      log(`cold starts (${cfg.startupRuns} per service)`);
      coldStart = await coldStarts(platform, cfg.startupRuns, cfg.coldStartServices);
    }
    const sampler = new MemorySampler(platform);
    let peakPostgresPssMb = 0;
    const pgSampler = setInterval(() => {
      peakPostgresPssMb = Math.max(peakPostgresPssMb, postgresPssMb(platform.postgresPid()) ?? 0);
    }, 1000);
    const runs = [];
    let skuOffset = 0;
    for (let rep = 1; rep <= cfg.repeat; rep++) {
      const run = await repetition(platform, ceiling, rep, skuOffset);
      skuOffset += run.checkout?.skusUsed ?? 0;
      runs.push(run);
    }
    let shoppers;
    if (cfg.shoppers > 0 && cfg.scenarios.includes('shoppers')) {
      log(`shoppers: ${cfg.shoppers} with k6 for ${cfg.shoppersDurationS} s (once, not per repetition)`);
      shoppers = await runShoppers(cfg, platform, log);
      log(
        `shoppers: ${shoppers.requestsPerSec.toFixed(0)} req/s, p95 ${fmt(shoppers.p95Ms)} ms, ${(shoppers.errorRate * 100).toFixed(2)} % failed, orders ${shoppers.ordersAccepted} accepted / ${shoppers.ordersStored} stored`,
      );
    }
    clearInterval(pgSampler);
    const peak = sampler.stop();
    // Last, alone: the storefront runs only while its pages are measured.
    const storefront = { build: storefrontBuild };
    if (storefrontBuild.ok) {
      Object.assign(storefront, await measureStorefront(cfg.root, platform));
      log(`storefront first-load JS: ${storefront.error ?? `${storefront.pages?.length ?? 0} pages`}`);
    }
    const results = summarise(runs);
    // Other work on the machine shows here: the figures are only comparable at similar loads.
    machine.loadAverageAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
    const report = {
      generatedAt: new Date().toISOString(),
      machine,
      config: { ...cfg, root: undefined, outDir: undefined },
      catalog: { products: platform.catalog.products, variants: platform.catalog.variants },
      results,
      orders: {
        accepted: runs.reduce((a, r) => a + (r.checkout?.accepted ?? 0), 0) + (shoppers?.ordersAccepted ?? 0),
        stored: await ordersStored(platform),
      },
      memory: {
        idle,
        peak,
        peakPostgresPssMb,
        byService: memoryByService(idle, peak, platform.replicas()),
      },
      coldStart,
      shoppers,
      storefront: cfg.scenarios.includes('storefront') ? storefront : undefined,
      runs,
    };
    const files = writeReport(cfg.outDir, report);
    log(`report: ${files.md} and ${files.json}`);
  } finally {
    await stopAll();
  }
}

main().catch((err) => {
  console.error(`[bench] failed: ${err.stack ?? err}`);
  process.exit(1);
});
