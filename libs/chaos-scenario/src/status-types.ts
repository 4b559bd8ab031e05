import type { Action, ProbeMode } from './types';

// The status of a ChaosScenario: the report of its run, written by the operator and,
// field for field, by the local runner.

export const PHASES = [
  'Pending',
  'Scheduled',
  'SteadyStateBefore',
  'Running',
  'SteadyStateAfter',
  'CleaningUp',
  'Completed',
] as const;
export type Phase = (typeof PHASES)[number];

export const STEP_PHASES = [
  'Pending',
  'Injecting',
  'Injected',
  'Reverting',
  'Recovering',
  'Recovered',
  'NotRecovered',
  'Skipped',
] as const;
export type StepPhase = (typeof STEP_PHASES)[number];

export const VERDICTS = ['Passed', 'Failed', 'Aborted'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

export interface StepStatus {
  name: string;
  action: Action;
  phase: StepPhase;
  /** Pods the step acted on (pod-delete), or that Chaos Mesh was asked to select from. */
  targets?: string[];
  targetUids?: string[];
  objects?: ObjectRef[];
  injectedAt?: string;
  faultEndedAt?: string;
  recoveredAt?: string;
  timeToRecoverySeconds?: number;
  probeRuns?: number;
  probeFailures?: number;
  errorRatio?: number;
  message?: string;
}

export type ProbeResult = 'Passed' | 'Failed';

export interface ProbeStatus {
  name: string;
  mode: ProbeMode;
  before?: ProbeResult;
  after?: ProbeResult;
  /** Runs during the steps. */
  runs: number;
  failures: number;
  consecutiveFailures: number;
  lastRunAt?: string;
  lastResult?: ProbeResult;
  lastMessage?: string;
}

export interface ScenarioStatus {
  observedGeneration?: number;
  phase?: Phase;
  verdict?: Verdict;
  /** Machine-readable why of the verdict, e.g. AllStepsRecovered, ProbeFailures. */
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  currentStep?: number;
  /** Ready pods seen before the first step; the recovery bar when no workload is named. */
  baselineReplicas?: number;
  /** Longest time to recovery of any step. */
  timeToRecoverySeconds?: number;
  /** Failed / total probe runs during the steps. */
  errorRatio?: number;
  steps?: StepStatus[];
  probes?: ProbeStatus[];
  conditions?: Condition[];
  /** Scheduled scenarios only: the last tick handled, the next one, the children running, the last finished. */
  lastScheduleTime?: string;
  nextScheduleTime?: string;
  active?: string[];
  lastRun?: { name: string; verdict?: Verdict; finishedAt?: string };
}
