import { setCondition } from './conditions';
import { durationMs } from './duration';
import { iso } from './machine-util';
import { DEFAULT_RECOVERY_TIMEOUT_MS, Effect, Observation } from './model';
import { timeToRecoverySeconds } from './report';
import { selectTargets } from './selection';
import { faultShape, stepDurationMs } from './steps';
import { StepPhase } from './status-types';
import { ChaosScenarioSpec, ScenarioStatus, StepStatus, Verdict } from './types';

const PENDING_EFFECT: Partial<Record<StepPhase, 'inject' | 'revert'>> = {
  Injecting: 'inject',
  Reverting: 'revert',
};

/** The lifecycle of the current step: inject, hold, revert, watch the recovery. */
export function runStep(
  spec: ChaosScenarioSpec,
  status: ScenarioStatus,
  obs: Observation,
  now: number,
  random: () => number,
  effects: Effect[],
  event: (reason: string, message: string, warning?: boolean) => void,
  finish: (verdict: Verdict, reason: string, message: string) => void,
  generation: number | undefined,
): void {
  const i = status.currentStep ?? 0;
  const step = spec.steps[i];
  const s = (status.steps as StepStatus[])[i];
  const next = () => {
    if (i + 1 < spec.steps.length) {
      status.currentStep = i + 1;
      setCondition(
        status,
        'Progressing',
        'True',
        'Running',
        `step ${i + 2}/${spec.steps.length}`,
        generation,
        now,
      );
    } else {
      status.phase = 'SteadyStateAfter';
      setCondition(status, 'Progressing', 'True', 'VerifyingSteadyState', 'steps done', generation, now);
    }
  };
  switch (s.phase) {
    case 'Pending':
      if (step.action === 'pod-delete') {
        const victims = selectTargets(obs.readyPods, step.mode, step.value, random);
        s.targets = victims.map((p) => p.name);
        s.targetUids = victims.map((p) => p.uid);
      }
      s.phase = 'Injecting';
      s.injectedAt = iso(now);
      break;
    case 'Injected':
      if (now - Date.parse(s.injectedAt as string) >= stepDurationMs(step)) {
        s.phase = 'Reverting';
        s.faultEndedAt = iso(now);
      }
      break;
    case 'Recovering': {
      const injectedAt = Date.parse(s.injectedAt as string);
      const external = faultShape(step.action) === 'instant' && step.action !== 'pod-delete';
      if (external && s.targets === undefined) {
        if (!obs.injectedPods?.length) {
          if (now - injectedAt > durationMs(spec.recoveryTimeout, DEFAULT_RECOVERY_TIMEOUT_MS)) {
            s.phase = 'NotRecovered';
            s.message = 'the fault was never reported as injected';
            finish('Failed', 'NotInjected', `step ${step.name}: ${s.message}`);
          }
          break;
        }
        s.targets = [...obs.injectedPods].sort();
      }
      const removed = new Set(s.targetUids ?? []);
      const hit = new Set(external ? (s.targets ?? []) : []);
      // A pod that was hit counts again only once it has turned Ready after the hit
      // (compared by the second: that is all a Ready condition's timestamp carries).
      const hitSecond = Math.floor(injectedAt / 1000) * 1000;
      const ready = obs.readyPods.filter(
        (p) => !removed.has(p.uid) && !(hit.has(p.name) && (p.readySince ?? 0) < hitSecond),
      ).length;
      const wanted = obs.desiredReplicas ?? status.baselineReplicas ?? 0;
      const faultEnded = Date.parse(s.faultEndedAt as string);
      if (s.recoveredAt === undefined && ready >= wanted) {
        s.recoveredAt = iso(now);
        s.timeToRecoverySeconds = timeToRecoverySeconds(s.faultEndedAt as string, s.recoveredAt);
      }
      const watched =
        faultShape(step.action) === 'lasting' ||
        now - Date.parse(s.injectedAt as string) >= stepDurationMs(step);
      if (s.recoveredAt !== undefined && watched) {
        s.phase = 'Recovered';
        event(
          'StepRecovered',
          `step ${step.name}: all ${wanted} replicas Ready after ${s.timeToRecoverySeconds} s`,
        );
        next();
      } else if (
        s.recoveredAt === undefined &&
        now - faultEnded > durationMs(spec.recoveryTimeout, DEFAULT_RECOVERY_TIMEOUT_MS)
      ) {
        s.phase = 'NotRecovered';
        s.message = `${ready}/${wanted} replicas Ready when the recovery timeout passed`;
        setCondition(
          status,
          'Recovered',
          'False',
          'RecoveryTimeout',
          `step ${step.name}: ${s.message}`,
          generation,
          now,
        );
        finish('Failed', 'NotRecovered', `step ${step.name} did not recover: ${s.message}`);
      }
      break;
    }
    case 'Skipped':
    case 'Recovered':
      next();
      break;
    default:
      break;
  }
  // Asked for again on every tick until the executor reports it done (markInjected, markReverted):
  // effects are idempotent, so a restart or a failed attempt only repeats them.
  const pending = PENDING_EFFECT[s.phase];
  if (pending) effects.push({ type: pending, step: i });
  if (status.phase === 'SteadyStateAfter' && status.steps?.some((x) => x.phase === 'Recovered')) {
    setCondition(status, 'Recovered', 'True', 'AllReplicasReady', 'every step recovered', generation, now);
  }
}

/** The executor calls this once the inject effect has succeeded. */
