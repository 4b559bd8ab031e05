// What one `make bench` run does, from the environment (docs/performance.md lists every knob).
import { resolve } from 'node:path';
import { SCENARIO_IDS } from './scenarios.mjs';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

function num(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`${name} must be a number in ${min}..${max}, got "${raw}"`);
  return n;
}

function oneOf(name, fallback, allowed) {
  const raw = process.env[name] || fallback;
  if (!allowed.includes(raw)) throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw;
}

/** BENCH_SCENARIOS: a comma list of SCENARIO_IDS (bench/lib/scenarios.mjs), all when unset. */
function scenarios() {
  const raw = (process.env.BENCH_SCENARIOS ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const unknown = raw.filter((x) => !SCENARIO_IDS.includes(x));
  if (unknown.length > 0)
    throw new Error(`BENCH_SCENARIOS: unknown ${unknown.join(', ')}; known: ${SCENARIO_IDS.join(', ')}`);
  return raw.length > 0 ? raw : [...SCENARIO_IDS];
}

export function benchConfig() {
  return {
    root: REPO_ROOT,
    /** Repetitions of every scenario; the report gives the median. */
    repeat: Math.round(num('BENCH_REPEAT', 3, 1, 50)),
    /** Seconds each measurement runs (fractions allowed: the smoke test uses 1). */
    durationS: num('BENCH_DURATION', 10, 0.5, 600),
    /** Seconds of unmeasured load before each measurement (JIT, pools, caches). */
    warmupS: num('BENCH_WARMUP', 2, 0, 60),
    /** autocannon connections for the request/response scenarios. */
    connections: Math.round(num('BENCH_CONNECTIONS', 50, 1, 1000)),
    /** Concurrent customers in the checkout scenario. */
    customers: Math.round(num('BENCH_CUSTOMERS', 20, 1, 1000)),
    /** Which scenarios run (BENCH_SCENARIOS); without `ceiling`, no ratio to the ceiling is given. */
    scenarios: scenarios(),
    /** k6 shoppers with think time (load/shop.js LOAD_PROFILE=shoppers), once per bench; 0 skips. */
    shoppers: Math.round(num('BENCH_SHOPPERS', 1000, 0, 1000)),
    /** Seconds the shoppers scenario holds its full crowd (plus a ramp up and down). */
    shoppersDurationS: Math.round(num('BENCH_SHOPPERS_DURATION', 60, 1, 1800)),
    /** Replicas per service, as `make demo` runs them. */
    replicas: Math.round(num('BENCH_REPLICAS', 2, 1, 8)),
    products: Math.round(num('BENCH_PRODUCTS', 1000, 10, 100_000)),
    /** Cold starts per service (median reported). */
    startupRuns: Math.round(num('BENCH_STARTUP_RUNS', 3, 1, 20)),
    /** Services whose cold start is measured (comma-separated; default all). */
    coldStartServices: (process.env.BENCH_COLD_START_SERVICES ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
    /** Storefront build: nx (reuse when its inputs are unchanged), rebuild, or existing (as it is). */
    storefrontBuild: oneOf('BENCH_STOREFRONT_BUILD', 'nx', ['nx', 'rebuild', 'existing']),
    logLevel: process.env.BENCH_LOG_LEVEL || 'info',
    outDir: resolve(REPO_ROOT, process.env.BENCH_OUT || 'bench/results'),
  };
}
