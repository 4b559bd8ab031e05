import { setCondition } from './conditions';
import { durationMs } from './duration';
import { clone, iso, names } from './machine-util';
import { Decision, DEFAULT_PROBE_INTERVAL_MS, Effect, Observation, ProbeOutcome } from './model';
import { abortReason, summarize } from './report';
import { runStep } from './step-machine';
import { ChaosScenarioSpec, ProbeMode, ProbeSpec, ScenarioStatus, Verdict } from './types';

// The run as a pure function of (spec, status, observation, now). The status
// is the only memory: whoever executes the effects (the operator, the local
// runner) persists it before acting, so a restarted executor resumes where
// the status says it was and repeats at most an idempotent effect.

const BEFORE: ProbeMode[] = ['Before', 'Edge', 'Continuous'];
const AFTER: ProbeMode[] = ['After', 'Edge', 'Continuous'];
const DURING: ProbeMode[] = ['Continuous', 'OnChaos'];

export function initialStatus(
  spec: ChaosScenarioSpec,
  generation: number | undefined,
  now: number,
): ScenarioStatus {
  const status: ScenarioStatus = {
    observedGeneration: generation,
    phase: 'SteadyStateBefore',
    startedAt: iso(now),
    currentStep: 0,
    steps: spec.steps.map((s) => ({ name: s.name, action: s.action, phase: 'Pending' })),
    probes: (spec.steadyState?.probes ?? []).map((p) => ({
      name: p.name,
      mode: p.mode,
      runs: 0,
      failures: 0,
      consecutiveFailures: 0,
    })),
  };
  setCondition(status, 'Progressing', 'True', 'Started', 'verifying the steady state', generation, now);
  return status;
}

/** The probes to run now, given the phase and each probe's last run. */
export function dueProbes(spec: ChaosScenarioSpec, status: ScenarioStatus, now: number): ProbeSpec[] {
  const probes = spec.steadyState?.probes ?? [];
  const state = (p: ProbeSpec) => status.probes?.find((s) => s.name === p.name);
  switch (status.phase) {
    case 'SteadyStateBefore':
      return probes.filter((p) => BEFORE.includes(p.mode) && state(p)?.before === undefined);
    case 'SteadyStateAfter':
      return probes.filter((p) => AFTER.includes(p.mode) && state(p)?.after === undefined);
    case 'Running':
      return probes.filter((p) => {
        const last = state(p)?.lastRunAt;
        return (
          DURING.includes(p.mode) &&
          (last === undefined || now - Date.parse(last) >= durationMs(p.interval, DEFAULT_PROBE_INTERVAL_MS))
        );
      });
    default:
      return [];
  }
}

/** Records probe outcomes in the status: the before/after verdicts, or the run counts during the steps. */
export function recordProbes(status: ScenarioStatus, outcomes: ProbeOutcome[], now: number): ScenarioStatus {
  const next = clone(status);
  const step = next.phase === 'Running' ? next.steps?.[next.currentStep ?? 0] : undefined;
  for (const o of outcomes) {
    const p = next.probes?.find((x) => x.name === o.name);
    if (!p) continue;
    const result = o.ok ? 'Passed' : 'Failed';
    p.lastRunAt = iso(now);
    p.lastResult = result;
    p.lastMessage = o.message.slice(0, 1024);
    if (next.phase === 'SteadyStateBefore') p.before = result;
    else if (next.phase === 'SteadyStateAfter') p.after = result;
    else if (next.phase === 'Running') {
      p.runs += 1;
      p.failures += o.ok ? 0 : 1;
      p.consecutiveFailures = o.ok ? 0 : p.consecutiveFailures + 1;
      if (step) {
        step.probeRuns = (step.probeRuns ?? 0) + 1;
        step.probeFailures = (step.probeFailures ?? 0) + (o.ok ? 0 : 1);
      }
    }
  }
  summarize(next);
  return next;
}

/** One step of the run. Call it on every reconcile with fresh observations. */
export function decide(
  spec: ChaosScenarioSpec,
  current: ScenarioStatus,
  obs: Observation,
  now: number,
  generation?: number,
  random: () => number = Math.random,
): Decision {
  const status = clone(current);
  const effects: Effect[] = [];
  const event = (reason: string, message: string, warning = false) =>
    effects.push({ type: 'event', warning, reason, message });
  status.observedGeneration = generation ?? status.observedGeneration;

  const finish = (verdict: Verdict, reason: string, message: string) => {
    status.verdict = verdict;
    status.reason = reason;
    status.message = message;
    status.phase = 'CleaningUp';
    // The event first: an executor that finishes the cleanup at once makes the run
    // Completed, and whoever waits for Completed should find the verdict's event there.
    event(`Verdict${verdict}`, message, verdict !== 'Passed');
    effects.push({ type: 'cleanup' });
  };

  switch (status.phase) {
    case 'SteadyStateBefore': {
      const pending = dueProbes(spec, status, now);
      if (pending.length) break;
      const failed = (status.probes ?? []).filter((p) => p.before === 'Failed');
      if (failed.length) {
        setCondition(status, 'SteadyState', 'False', 'NotMetBefore', names(failed), generation, now);
        finish('Aborted', 'SteadyStateNotMet', `steady state not met before the run: ${names(failed)}`);
        break;
      }
      if (obs.readyPods.length === 0) {
        finish(
          'Aborted',
          'NoTargets',
          `no Ready pod matches the target selector in ${spec.target.namespace}`,
        );
        break;
      }
      status.baselineReplicas ??= obs.readyPods.length;
      status.phase = 'Running';
      status.currentStep = 0;
      setCondition(status, 'SteadyState', 'True', 'MetBefore', 'every before-probe passed', generation, now);
      setCondition(status, 'Progressing', 'True', 'Running', `step 1/${spec.steps.length}`, generation, now);
      event('SteadyStateMet', 'steady state verified; starting the steps');
      break;
    }
    case 'Running': {
      const tripped = abortReason(spec.abort, status.probes ?? [], status.steps ?? []);
      if (tripped) {
        finish('Aborted', tripped[0], tripped[1]);
        break;
      }
      runStep(spec, status, obs, now, random, effects, event, finish, generation);
      break;
    }
    case 'SteadyStateAfter': {
      if (dueProbes(spec, status, now).length) break;
      const failed = (status.probes ?? []).filter((p) => p.after === 'Failed');
      if (failed.length) {
        setCondition(status, 'SteadyState', 'False', 'NotRestored', names(failed), generation, now);
        finish(
          'Failed',
          'SteadyStateNotRestored',
          `steady state not restored after the run: ${names(failed)}`,
        );
      } else {
        setCondition(status, 'SteadyState', 'True', 'Restored', 'every after-probe passed', generation, now);
        const skipped = (status.steps ?? []).filter((s) => s.phase === 'Skipped').length;
        const total = status.steps?.length ?? 0;
        if (spec.dryRun) finish('Passed', 'DryRun', 'dry run: nothing injected, probes held');
        else if (skipped === total) {
          finish('Aborted', 'NothingInjected', 'no step could be carried out here; every one was skipped');
        } else {
          const note = skipped ? ` (${skipped} of ${total} steps skipped: no equivalent here)` : '';
          finish('Passed', 'AllStepsRecovered', `every step recovered and the steady state held${note}`);
        }
      }
      break;
    }
    case 'CleaningUp':
      effects.push({ type: 'cleanup' });
      break;
    default:
      break;
  }
  summarize(status);
  return { status, effects };
}
