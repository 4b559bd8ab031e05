import {
  abortRun,
  ChaosScenario,
  ChaosScenarioSpec,
  decide,
  Decision,
  DEFAULT_RECOVERY_TIMEOUT_MS,
  dueProbes,
  durationMs,
  initialStatus,
  markCleanedUp,
  markInjected,
  markReverted,
  recordProbes,
  ScenarioStatus,
  stepDurationMs,
} from '@ha-shop/chaos-scenario';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoadGenerator } from '../load/load-generator';
import { localAction, LocalAction } from './local-actions';
import { LocalExecutor } from './local-executor';
import { LocalProbe, localProbe } from './local-probes';
import { desiredReplicas, LocalPod, localPods, LocalTarget, localTarget, ReadyClock } from './local-targets';
import { RunnerApi, RunnerStatus } from './runner-api';

/**
 * What `make chaos-demo --scenario FILE` writes: the ChaosScenario with its
 * status filled exactly as the operator fills it in the cluster (the same
 * state machine decides), plus how each part was carried out here.
 */
export interface LocalScenarioReport {
  scenario: ChaosScenario & { status: ScenarioStatus };
  local: {
    source: string;
    target: string;
    steps: Array<{ name: string; action: string; local: string; skipped: boolean }>;
    probes: Array<{ name: string; type: string; local?: string; skipped?: string }>;
    load?: Array<{ phase: string; requests: number; failed: number; errorRatio: number; p95Ms: number }>;
  };
  pass: boolean;
}

export interface FileRunOptions {
  api: RunnerApi;
  scenario: ChaosScenario;
  source: string;
  /** Virtual users of the background load through the edge (0 = none). */
  users?: number;
  tickMs?: number;
  random?: () => number;
  log?: (line: string) => void;
}

const RUNNER_SILENCE_MS = 30_000;

export async function runScenarioFile(opts: FileRunOptions): Promise<LocalScenarioReport> {
  const { api, scenario } = opts;
  const log = opts.log ?? (() => undefined);
  const tickMs = opts.tickMs ?? 250;
  const generation = scenario.metadata.generation ?? 1;
  const first = await api.status();
  const services = first.services.filter((s) => s.state === 'running').map((s) => s.name);
  const target = localTarget(scenario.spec.target.selector, services);
  const probes = (scenario.spec.steadyState?.probes ?? []).map((p) => localProbe(p, first));
  const runnable = probes.filter((p): p is Extract<LocalProbe, { run: unknown }> => 'run' in p);
  // Probes that cannot run here are left out of the run (and listed as skipped) rather than failed.
  const spec: ChaosScenarioSpec = {
    ...scenario.spec,
    steadyState: { probes: runnable.map((p) => p.probe) },
  };
  const plans: LocalAction[] = spec.steps.map((step) =>
    target
      ? localAction(step, target.kind, target.kind === 'service' ? target.service : '')
      : { kind: 'skip', reason: 'no local target', summary: 'skipped: the target has no local equivalent' },
  );
  const executor = new LocalExecutor(api, target, plans, opts.random);
  const clock = new ReadyClock();
  const load =
    (opts.users ?? 0) > 0 && first.urls.api
      ? new LoadGenerator({ baseUrl: first.urls.api, users: opts.users as number, thinkTimeMs: 100 })
      : undefined;
  const phases: string[] = [];
  const setPhase = (phase: string) => {
    if (!load || phases.includes(phase)) return;
    phases.push(phase);
    load.setPhase(phase);
  };

  let status = initialStatus(spec, generation, Date.now());
  const deadline = Date.now() + runBudgetMs(spec);
  let lastSeen = Date.now();
  let runner: RunnerStatus = first;
  const apply = (d: Decision) => {
    status = d.status;
    for (const e of d.effects)
      if (e.type === 'event') log(`  ${e.warning ? 'warning' : 'event'} ${e.reason}: ${e.message}`);
  };
  log(`scenario ${scenario.metadata.name} from ${opts.source} -> ${describe(target)}`);
  if (spec.schedule) log(`  schedule "${spec.schedule}" ignored on one machine: the scenario runs once`);
  if (!target) {
    apply(
      abortRun(
        status,
        'NoLocalTarget',
        `no runner service matches the target selector ${JSON.stringify(spec.target.selector)}`,
      ),
    );
  }
  if (load) {
    await load.start();
    setPhase('steady-state-before');
  }
  try {
    while (status.phase !== 'Completed') {
      if (Date.now() > deadline && status.phase !== 'CleaningUp')
        apply(
          abortRun(status, 'LocalTimeout', 'the run took longer than its steps and recovery timeouts allow'),
        );
      try {
        runner = await api.status();
        lastSeen = Date.now();
      } catch {
        if (Date.now() - lastSeen > RUNNER_SILENCE_MS)
          apply(
            abortRun(
              status,
              'RunnerUnreachable',
              `the runner's status API did not answer for ${RUNNER_SILENCE_MS / 1000} s`,
            ),
          );
      }
      const pods = target ? localPods(target, runner) : [];
      const due = dueProbes(spec, status, Date.now());
      if (due.length) {
        const outcomes = await Promise.all(
          due.map((p) =>
            (runnable.find((r) => r.probe.name === p.name) as (typeof runnable)[number]).run(runner),
          ),
        );
        status = recordProbes(status, outcomes, Date.now());
      }
      const step = status.currentStep ?? 0;
      const decision = decide(
        spec,
        status,
        {
          readyPods: clock.observe(pods, Date.now()),
          desiredReplicas: target && spec.target.workload ? desiredReplicas(target, runner) : undefined,
          injectedPods: executor.injectedPods(step),
        },
        Date.now(),
        generation,
        opts.random,
      );
      apply(decision);
      for (const effect of decision.effects) await execute(effect, pods);
      if (status.phase === 'Running') setPhase(spec.steps[status.currentStep ?? 0].name);
      else if (status.phase === 'SteadyStateAfter') setPhase('steady-state-after');
      if (status.phase !== 'Completed') await sleep(tickMs);
    }
  } finally {
    await executor.cleanup();
    await load?.close();
  }

  async function execute(effect: Decision['effects'][number], pods: LocalPod[]): Promise<void> {
    switch (effect.type) {
      case 'inject': {
        const i = effect.step;
        try {
          const r = await executor.inject(i, spec.steps[i], status.steps![i], pods, spec.dryRun === true);
          log(`  step ${spec.steps[i].name} (${spec.steps[i].action}): ${r.message}`);
          status = markInjected(spec, status, i, { dryRun: r.skipped, message: r.message });
          const s = status.steps![i];
          if (r.skipped) delete s.injectedAt;
          else if (r.targets.length && !s.targets) s.targets = r.targets;
        } catch (err) {
          apply(abortRun(status, 'InjectFailed', `step ${spec.steps[i].name}: ${(err as Error).message}`));
        }
        break;
      }
      case 'revert':
        await executor.revert(effect.step);
        status = markReverted(status, effect.step);
        break;
      case 'cleanup':
        await executor.cleanup();
        apply(markCleanedUp(status, Date.now(), generation));
        break;
      default:
        break;
    }
  }

  return {
    scenario: { ...scenario, status },
    local: {
      source: opts.source,
      target: describe(target),
      steps: spec.steps.map((s, i) => ({
        name: s.name,
        action: s.action,
        local: plans[i].summary,
        skipped: plans[i].kind === 'skip',
      })),
      probes: probes.map((p) => ({
        name: p.probe.name,
        type: p.probe.type,
        ...('run' in p ? { local: p.local } : { skipped: p.skipped }),
      })),
      load: load
        ? phases.map((phase) => {
            const s = load.stats.summary(phase);
            return {
              phase,
              requests: s.requests,
              failed: s.failed,
              errorRatio: s.errorRatio,
              p95Ms: s.p95Ms,
            };
          })
        : undefined,
    },
    pass: status.verdict === 'Passed',
  };
}

/** Longest the run may take: every step's duration and recovery timeout, plus slack for the probes. */
function runBudgetMs(spec: ChaosScenarioSpec): number {
  const recovery = durationMs(spec.recoveryTimeout, DEFAULT_RECOVERY_TIMEOUT_MS);
  return spec.steps.reduce((ms, step) => ms + stepDurationMs(step) + recovery, 0) + 60_000;
}

function describe(target: LocalTarget | undefined): string {
  if (!target) return 'nothing on this machine';
  return target.kind === 'postgres' ? 'the runner PostgreSQL' : `the runner's ${target.service} replicas`;
}
