import { setTimeout as sleep } from 'node:timers/promises';
import { LoadGenerator } from '../load/load-generator';
import { PhaseSummary } from '../load/stats';
import { auditOrders, checkoutDatabaseUrl } from '../scenario/orders-audit';
import { RunnerApi, RunnerStatus } from '../scenario/runner-api';
import { Phase, phases } from './demo-phases';

export interface ScenarioTimings {
  phaseMs: number;
  freezeMs: number;
  paymentOutageMs: number;
  databaseStopMs: number;
  users: number;
  thinkTimeMs: number;
}

export const FULL: ScenarioTimings = {
  phaseMs: 20_000,
  freezeMs: 6_000,
  paymentOutageMs: 8_000,
  databaseStopMs: 5_000,
  users: 8,
  thinkTimeMs: 100,
};
export const SHORT: ScenarioTimings = {
  phaseMs: 8_000,
  freezeMs: 4_000,
  paymentOutageMs: 4_000,
  databaseStopMs: 3_000,
  users: 4,
  thinkTimeMs: 100,
};

export interface Targets {
  /** Per phase, failed idempotent requests / idempotent requests. */
  maxIdempotentErrorRatio: number;
  /** From the end of a fault to every replica ready again. */
  maxRecoveryMs: number;
  maxLostOrders: number;
}

export const DEFAULT_TARGETS: Targets = {
  maxIdempotentErrorRatio: 0.01,
  maxRecoveryMs: 10_000,
  maxLostOrders: 0,
};

export interface PhaseResult extends PhaseSummary {
  title: string;
  /** Fault end to all replicas ready; null if the phase injects nothing. */
  recoveryMs: number | null;
  ordersLost: number;
  skipped?: string;
}

export interface ScenarioReport {
  timings: ScenarioTimings;
  targets: Targets;
  phases: PhaseResult[];
  orders: { accepted: number; lost: number; missing: string[]; byStatus: Record<string, number> };
  checks: Array<{ name: string; pass: boolean; detail: string }>;
  pass: boolean;
}

export interface ScenarioOptions {
  api: RunnerApi;
  /** The shop API through the edge. */
  baseUrl: string;
  /** The runner's data folder (for checkout-service's database password). */
  dataDir: string;
  timings: ScenarioTimings;
  targets?: Targets;
  log?: (line: string) => void;
}

/**
 * `make chaos-demo`: baseline, then one failure per phase under steady load, each
 * measured on its own (requests, failures, latency, time to recover), then the
 * lost-orders audit and a verdict against the targets.
 */
export async function runChaosScenario(opts: ScenarioOptions): Promise<ScenarioReport> {
  const { api, timings } = opts;
  const targets = opts.targets ?? DEFAULT_TARGETS;
  const log = opts.log ?? (() => undefined);
  await api.waitFor(RunnerApi.allReady, 180_000, 'every replica to be ready');
  const initial = await api.status();
  const running = new Set(initial.services.filter((s) => s.state === 'running').map((s) => s.name));

  const load = new LoadGenerator({
    baseUrl: opts.baseUrl,
    users: timings.users,
    thinkTimeMs: timings.thinkTimeMs,
  });
  const measured: Array<{ phase: Phase; recoveryMs: number | null; skipped?: string }> = [];
  let status: RunnerStatus = initial;
  try {
    await load.start();
    await sleep(Math.min(3000, timings.phaseMs / 2));
    for (const phase of phases(timings)) {
      if (phase.needs && !running.has(phase.needs)) {
        measured.push({ phase, recoveryMs: null, skipped: `${phase.needs} not running` });
        log(`- ${phase.name}: skipped (${phase.needs} not running)`);
        continue;
      }
      log(`- ${phase.name}: ${phase.title}`);
      load.setPhase(phase.name);
      const started = Date.now();
      let recoveryMs: number | null = null;
      if (phase.inject) {
        const faultEnded = await phase.inject(api);
        const waited = await api.waitFor(RunnerApi.allReady, 120_000, `recovery after ${phase.name}`);
        recoveryMs = waited === 0 ? 0 : Date.now() - faultEnded;
        log(`  every replica ready ${(recoveryMs / 1000).toFixed(1)} s after the fault ended`);
      }
      const left = timings.phaseMs - (Date.now() - started);
      if (left > 0) await sleep(left);
      measured.push({ phase, recoveryMs });
    }
  } finally {
    load.setPhase('cool-down');
    // Requests still in flight (client retries) count for the phase they started in.
    await load.close();
    status = await api.status().catch(() => status);
  }
  const results: PhaseResult[] = measured.map((m) => ({
    ...load.stats.summary(m.phase.name),
    title: m.phase.title,
    recoveryMs: m.recoveryMs,
    ordersLost: 0,
    ...(m.skipped ? { skipped: m.skipped } : {}),
  }));

  const audit = running.has('checkout-service')
    ? await auditOrders(
        checkoutDatabaseUrl(status, opts.dataDir),
        load.orders.map((o) => o.id),
      )
    : { checked: 0, missing: [], byStatus: {} };
  const missing = new Set(audit.missing);
  for (const r of results)
    r.ordersLost = load.orders.filter((o) => o.phase === r.phase && missing.has(o.id)).length;
  const checks = verdict(results, audit.missing.length, load.orders.length, targets);
  return {
    timings,
    targets,
    phases: results,
    orders: {
      accepted: load.orders.length,
      lost: audit.missing.length,
      missing: audit.missing,
      byStatus: audit.byStatus,
    },
    checks,
    pass: checks.every((c) => c.pass),
  };
}

function verdict(results: PhaseResult[], lost: number, accepted: number, t: Targets) {
  const checks: ScenarioReport['checks'] = [];
  for (const r of results) {
    if (r.skipped) continue;
    checks.push({
      name: `${r.phase}: idempotent error ratio < ${(t.maxIdempotentErrorRatio * 100).toFixed(1)} %`,
      pass: r.idempotentRequests > 0 && r.idempotentErrorRatio < t.maxIdempotentErrorRatio,
      detail: `${r.idempotentFailed}/${r.idempotentRequests} = ${(r.idempotentErrorRatio * 100).toFixed(2)} %`,
    });
    if (r.recoveryMs !== null) {
      checks.push({
        name: `${r.phase}: every replica ready again within ${t.maxRecoveryMs / 1000} s`,
        pass: r.recoveryMs <= t.maxRecoveryMs,
        detail: `${(r.recoveryMs / 1000).toFixed(1)} s`,
      });
    }
  }
  checks.push({
    name: `orders lost <= ${t.maxLostOrders}`,
    pass: lost <= t.maxLostOrders,
    detail: `${lost} of ${accepted} accepted orders missing from checkout-service's database`,
  });
  checks.push({ name: 'orders were placed at all', pass: accepted > 0, detail: `${accepted} accepted` });
  return checks;
}
