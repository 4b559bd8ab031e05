import { AbortSpec, ProbeStatus, ScenarioStatus, StepStatus } from './types';

export const DEFAULT_MIN_SAMPLES = 5;

/** failures / runs, 0 when nothing ran; rounded to 4 places so status stays readable. */
export function errorRatio(runs: number, failures: number): number {
  return runs === 0 ? 0 : round(failures / runs, 4);
}

/** Seconds from the end of the fault to every replica Ready again, to the millisecond. */
export function timeToRecoverySeconds(faultEndedAt: string, recoveredAt: string): number {
  return round(Math.max(0, Date.parse(recoveredAt) - Date.parse(faultEndedAt)) / 1000, 3);
}

/** Fills the scenario-wide figures from the per-step ones. */
export function summarize(status: ScenarioStatus): void {
  const steps = status.steps ?? [];
  const ttrs = steps.map((s) => s.timeToRecoverySeconds).filter((t): t is number => t !== undefined);
  if (ttrs.length) status.timeToRecoverySeconds = Math.max(...ttrs);
  const runs = sum(steps, (s) => s.probeRuns ?? 0);
  const failures = sum(steps, (s) => s.probeFailures ?? 0);
  status.errorRatio = errorRatio(runs, failures);
  for (const s of steps)
    if (s.probeRuns !== undefined) s.errorRatio = errorRatio(s.probeRuns, s.probeFailures ?? 0);
}

/** The abort condition that has tripped, if any, as [reason, message]. */
export function abortReason(
  abort: AbortSpec | undefined,
  probes: ProbeStatus[],
  steps: StepStatus[],
): [string, string] | undefined {
  if (!abort) return undefined;
  const max = abort.maxConsecutiveProbeFailures;
  const failing = max === undefined ? undefined : probes.find((p) => p.consecutiveFailures >= max);
  if (failing) {
    return [
      'ProbeFailures',
      `probe ${failing.name} failed ${failing.consecutiveFailures} times in a row (limit ${max}): ${failing.lastMessage ?? ''}`.trim(),
    ];
  }
  if (abort.maxErrorRatio !== undefined) {
    const runs = sum(steps, (s) => s.probeRuns ?? 0);
    const ratio = errorRatio(
      runs,
      sum(steps, (s) => s.probeFailures ?? 0),
    );
    if (runs >= (abort.minSamples ?? DEFAULT_MIN_SAMPLES) && ratio > abort.maxErrorRatio) {
      return ['ErrorRatio', `probe error ratio ${ratio} over ${runs} runs exceeds ${abort.maxErrorRatio}`];
    }
  }
  return undefined;
}

function sum<T>(xs: T[], f: (x: T) => number): number {
  return xs.reduce((n, x) => n + f(x), 0);
}

function round(n: number, places: number): number {
  const k = 10 ** places;
  return Math.round(n * k) / k;
}
