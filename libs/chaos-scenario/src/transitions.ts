import { setCondition } from './conditions';
import { clone, iso } from './machine-util';
import { Decision } from './model';
import { faultShape } from './steps';
import { ChaosScenarioSpec, ObjectRef, ScenarioStatus, StepStatus, Verdict } from './types';

// What the executor reports back once an effect has been carried out.

export function markInjected(
  spec: ChaosScenarioSpec,
  current: ScenarioStatus,
  index: number,
  result: { objects?: ObjectRef[]; dryRun?: boolean; message?: string },
): ScenarioStatus {
  const status = clone(current);
  const s = (status.steps as StepStatus[])[index];
  if (s.phase !== 'Injecting') return status;
  if (result.objects) s.objects = result.objects;
  if (result.message) s.message = result.message;
  if (result.dryRun) s.phase = 'Skipped';
  else if (faultShape(spec.steps[index].action) === 'instant') {
    s.phase = 'Recovering';
    s.faultEndedAt = s.injectedAt;
  } else s.phase = 'Injected';
  return status;
}

/** The executor calls this once the revert effect has removed the fault. */
export function markReverted(current: ScenarioStatus, index: number): ScenarioStatus {
  const status = clone(current);
  const s = (status.steps as StepStatus[])[index];
  if (s.phase === 'Reverting') s.phase = 'Recovering';
  return status;
}

/**
 * Ends the run as Aborted for a reason only the executor can see (e.g. Chaos
 * Mesh is not installed); cleanup follows as for any other verdict.
 */
export function abortRun(current: ScenarioStatus, reason: string, message: string): Decision {
  const status = clone(current);
  if (status.phase === 'CleaningUp' || status.phase === 'Completed') return { status, effects: [] };
  Object.assign(status, { verdict: 'Aborted', reason, message, phase: 'CleaningUp' });
  return {
    status,
    effects: [{ type: 'event', warning: true, reason: 'VerdictAborted', message }, { type: 'cleanup' }],
  };
}

/** The executor calls this once everything the run created is gone. */
export function markCleanedUp(current: ScenarioStatus, now: number, generation?: number): Decision {
  const status = clone(current);
  if (status.phase !== 'CleaningUp') return { status, effects: [] };
  status.phase = 'Completed';
  status.finishedAt = iso(now);
  const verdict = status.verdict as Verdict;
  setCondition(status, 'Progressing', 'False', 'Finished', `verdict ${verdict}`, generation, now);
  setCondition(status, 'Completed', 'True', verdict, status.message ?? '', generation, now);
  return { status, effects: [{ type: 'finished', verdict }] };
}
