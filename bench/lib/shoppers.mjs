// The shoppers scenario: k6 runs load/shop.js (LOAD_PROFILE=shoppers: concurrent shoppers with
// think time and mixed journeys) against the bench's edge, once per bench: a ramped crowd
// is one long measurement, not something to repeat and take the median of. Its summary, plus
// the orders checkout-service stored meanwhile, is the result.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ordersStored } from './orders.mjs';

/** A cold build (module downloads and compile) takes minutes; a cached binary is instant. */
const BUILD_BUDGET_MS = 30 * 60_000;
/** Beyond the stages: starting up to 1,000 VUs, setup(), graceful stops, the summary. */
const K6_OVERHEAD_MS = 120_000;
/** k6's exit code when the run completed but a threshold was crossed: figures, not an error. */
const THRESHOLDS_CROSSED = 99;

/** Linux's USER_HZ: the unit of the CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_S = 100;

/** User + system CPU seconds of a running process (Linux), or undefined once it is gone. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

/**
 * Runs a command in its own process group, killed as a group (go spawns its compilers) when
 * it overruns or the bench exits. Resolves with its exit code, stdout and the tail of stderr.
 */
function runBounded(cmd, args, budgetMs, what) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const killGroup = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    process.once('exit', killGroup);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    // The load generator shares the cores with the shop: its CPU time says how much it took.
    let cpuS = 0;
    const sampler = setInterval(() => (cpuS = cpuSeconds(child.pid) ?? cpuS), 500);
    const timer = setTimeout(() => {
      killGroup();
      reject(new Error(`${what} overran ${budgetMs} ms and was killed\n${stderr}`));
    }, budgetMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      clearInterval(sampler);
      process.removeListener('exit', killGroup);
      resolve({ code, stdout, stderr, cpuS });
    });
  });
}

/** The pinned k6 from the tool cache, built by the project's install script when missing. */
export async function k6Binary(root, log) {
  const script = join(root, 'apps', 'runner', 'scripts', 'install-k6.sh');
  const started = performance.now();
  const { code, stdout, stderr } = await runBounded('bash', [script], BUILD_BUDGET_MS, 'building k6');
  if (code !== 0) throw new Error(`bash ${script} failed (${code}):\n${stderr}`);
  const seconds = (performance.now() - started) / 1000;
  if (seconds > 5) log(`built k6 in ${seconds.toFixed(0)} s (cached from now on)`);
  return stdout.trim().split('\n').pop();
}

/** Ramp up and down over a quarter of the steady time, between 1 and 30 s each way. */
const rampSeconds = (durationS) => Math.min(30, Math.max(1, Math.round(durationS / 4)));

export async function runShoppers(cfg, platform, log) {
  const k6 = await k6Binary(cfg.root, log);
  const dir = mkdtempSync(join(tmpdir(), 'ha-shop-bench-k6-'));
  const summaryFile = join(dir, 'summary.json');
  const rampS = rampSeconds(cfg.shoppersDurationS);
  const env = {
    BASE_URL: platform.edgeApi,
    LOAD_PROFILE: 'shoppers',
    LOAD_VUS: cfg.shoppers,
    LOAD_DURATION: `${cfg.shoppersDurationS}s`,
    LOAD_RAMP: `${rampS}s`,
    LOAD_SUMMARY: summaryFile,
  };
  const args = ['run', '--quiet', '--no-color', '--no-usage-report'];
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  args.push(join(cfg.root, 'load', 'shop.js'));
  const budgetMs = (2 * rampS + cfg.shoppersDurationS) * 1000 + K6_OVERHEAD_MS;
  try {
    // Only this scenario writes orders while it runs, so the difference is its orders.
    const before = await ordersStored(platform);
    const run = await runBounded(k6, args, budgetMs, 'k6 (shoppers)');
    if (run.code !== 0 && run.code !== THRESHOLDS_CROSSED)
      throw new Error(`k6 (shoppers) exited with ${run.code}:\n${run.stderr}`);
    const stored = (await ordersStored(platform)) - before;
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    return {
      shoppers: cfg.shoppers,
      durationS: cfg.shoppersDurationS,
      rampS,
      ...summary,
      ordersStored: stored,
      thresholdsCrossed: run.code === THRESHOLDS_CROSSED,
      k6CpuS: Number(run.cpuS.toFixed(1)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The report's lines for this scenario (bench/lib/report.mjs). */
export function shoppersMarkdown(s) {
  if (!s) return [];
  const ms = (x) => x.toFixed(x < 10 ? 1 : 0);
  const failures = Object.entries(s.failures)
    .map(([kind, n]) => `${kind} × ${n}`)
    .join(', ');
  const steps = Object.entries(s.checks ?? {})
    .map(([step, c]) => `${step} ${c.passes}/${c.passes + c.fails}`)
    .join(', ');
  return [
    `Shoppers (k6, load/shop.js LOAD_PROFILE=shoppers, once, not repeated): ${s.shoppers} concurrent shoppers for ${s.durationS} s, ramped up and down over ${s.rampS} s each way, through the edge; k6 itself used ${s.k6CpuS} CPU-seconds in its ${s.testRunS.toFixed(0)} s.`,
    '',
    '| shoppers | requests | req/s | iterations | p50 ms | p95 ms | p99 ms | failed requests | orders accepted | orders stored |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${s.shoppers} | ${s.requests} | ${s.requestsPerSec.toFixed(0)} | ${s.iterations} | ${ms(s.p50Ms)} | ${ms(s.p95Ms)} | ${ms(s.p99Ms)} | ${(s.errorRate * 100).toFixed(2)} % | ${s.ordersAccepted} | ${s.ordersStored} |`,
    '',
    `Shopper failures by kind: ${failures || 'none'}. Steps that succeeded: ${steps || 'none'}. Thresholds (issue 16's targets): ${
      Object.entries(s.thresholds)
        .map(([t, ok]) => `${t} ${ok ? 'met' : 'missed'}`)
        .join(', ') || 'none'
    }.`,
    '',
  ];
}
