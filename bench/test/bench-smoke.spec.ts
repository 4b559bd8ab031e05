import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '../../apps/runner/src/services';

const ROOT = resolve(__dirname, '..', '..');

interface Report {
  machine: { cores: number; node: string; postgres: string };
  catalog: { products: number; variants: number };
  results: {
    ceiling: { okPerSec: number };
    http: Array<{ scenario: string; target: string; okPerSec: number; ratioToCeiling: number }>;
    checkout: {
      completed: number;
      failed: number;
      failures: Record<string, number>;
      cost: {
        totalCpuMsPerCheckout: number | null;
        cpuMsPerCheckout: Record<string, number | null>;
        idleCpuMsPerS: Record<string, number | null>;
        sqlPerCheckout: { xacts: number | null; byService: Record<string, unknown> };
      };
    };
  };
  orders: { accepted: number; stored: number };
  memory: { byService: Record<string, { idleMb: number; peakMb: number }> };
  coldStart: { bareNodeMs: number; services: Record<string, { ms: number }> };
  shoppers: {
    shoppers: number;
    requests: number;
    iterations: number;
    p95Ms: number;
    errorRate: number;
    failures: Record<string, number>;
    ordersAccepted: number;
    ordersStored: number;
    thresholds: Record<string, boolean>;
  };
  storefront: {
    build: { ok: boolean; reused: boolean; buildId: string };
    error?: string;
    pages: Array<{
      page: string;
      status: number | null;
      scripts: number;
      gzipBytes: number;
      rawBytes: number;
    }>;
  };
  runs: unknown[];
}

/** `make bench` shrunk to seconds: the same code path, so the bench cannot rot unnoticed. */
describe('make bench (smoke: 1 repetition, 1 s per scenario)', () => {
  const out = mkdtempSync(join(tmpdir(), 'ha-shop-bench-smoke-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('measures every scenario, runs checkout journeys that fail only by shedding load or parking, and writes both reports', async () => {
    const env = {
      ...process.env,
      BENCH_OUT: out,
      BENCH_REPEAT: '1',
      BENCH_DURATION: '1',
      BENCH_WARMUP: '0.3',
      BENCH_CONNECTIONS: '4',
      BENCH_CUSTOMERS: '3',
      BENCH_REPLICAS: '1',
      BENCH_STARTUP_RUNS: '1',
      BENCH_COLD_START_SERVICES: 'payment-service',
      BENCH_LOG_LEVEL: 'warn',
      // `make test` builds the storefront before the suite (make build): the smoke measures that build.
      BENCH_STOREFRONT_BUILD: 'existing',
      BENCH_SHOPPERS: '10',
      BENCH_SHOPPERS_DURATION: '5',
    };
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'run.mjs')], {
      cwd: ROOT,
      env,
      stdio: 'pipe',
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((r) => {
      // Bounded: a hung bench fails the test with what it printed instead of outliving it.
      const timer = setTimeout(() => child.kill('SIGTERM'), 560_000);
      child.once('exit', (c) => {
        clearTimeout(timer);
        r(c);
      });
    });
    expect(code, output).toBe(0);

    const report = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')) as Report;
    expect(existsSync(join(out, 'bench.md'))).toBe(true);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.postgres).toMatch(/^\d+/);
    expect(report.catalog.products).toBe(1000);
    expect(report.runs).toHaveLength(1);
    expect(report.results.ceiling.okPerSec).toBeGreaterThan(0);
    const rows = report.results.http.map((r) => `${r.scenario} / ${r.target}`);
    for (const scenario of ['catalog list of 20', 'product by slug', 'search "lap"', 'add to cart'])
      for (const target of ['direct', 'edge']) expect(rows).toContain(`${scenario} / ${target}`);
    for (const r of report.results.http) expect(typeof r.ratioToCeiling).toBe('number');

    // The journeys ran. On a busy machine a one-second window can be all shed load (503/504, the
    // shop's answer to overload) or parked payments (202, charged later by the worker), so a
    // completion is not required here (the shop's e2e tests require them); anything else is a defect.
    const { completed, failed, failures } = report.results.checkout;
    expect(completed + failed).toBeGreaterThan(0);
    for (const kind of Object.keys(failures)) expect(kind).toMatch(/ (50[34]|202)\b/);
    expect(report.orders.stored).toBe(report.orders.accepted);
    // CPU and database work per checkout: every process group and service database is read.
    const { cost } = report.results.checkout;
    expect(Object.keys(cost.cpuMsPerCheckout).sort()).toEqual(
      [...SERVICE_NAMES, 'bench+edge', 'postgresql'].sort(),
    );
    expect(Object.keys(cost.sqlPerCheckout.byService).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const [group, rate] of Object.entries(cost.idleCpuMsPerS))
      expect(rate, group).toBeGreaterThanOrEqual(0);
    if (completed > 0) {
      expect(cost.totalCpuMsPerCheckout).toBeGreaterThan(0);
      expect(cost.sqlPerCheckout.xacts).toBeGreaterThan(0);
    }

    for (const s of SERVICE_NAMES) {
      expect(report.memory.byService[s].idleMb).toBeGreaterThan(0);
      expect(report.memory.byService[s].peakMb).toBeGreaterThan(0);
    }
    expect(report.coldStart.services['payment-service'].ms).toBeGreaterThan(0);

    const storefront = report.storefront;
    expect(storefront.build).toMatchObject({ ok: true, reused: true });
    expect(storefront.error).toBeUndefined();
    expect(storefront.pages.map((p) => p.page)).toEqual([
      ...['/', '/products', '/products/[slug]', '/cart', '/checkout', '/login', '/architecture (admin)'],
    ]);
    for (const p of storefront.pages) {
      expect(p.status, p.page).toBe(200);
      expect(p.scripts, p.page).toBeGreaterThan(0);
      expect(p.gzipBytes, p.page).toBeGreaterThan(0);
      expect(p.rawBytes, p.page).toBeGreaterThan(p.gzipBytes);
    }

    const shoppers = report.shoppers;
    expect(shoppers.shoppers).toBe(10);
    expect(shoppers.requests).toBeGreaterThan(0);
    expect(shoppers.iterations).toBeGreaterThan(0);
    expect(typeof shoppers.p95Ms).toBe('number');
    expect(typeof shoppers.errorRate).toBe('number');
    expect(Object.keys(shoppers.thresholds)).toContain('http_req_duration p(95)<200');
    for (const [kind, n] of Object.entries(shoppers.failures))
      expect(`${kind} × ${n}`).toMatch(/^shed 503\/504/);
    expect(shoppers.ordersStored).toBe(shoppers.ordersAccepted);
  });
});
