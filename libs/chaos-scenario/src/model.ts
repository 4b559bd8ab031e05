import { ScenarioStatus, Verdict } from './types';

// The vocabulary between the state machine and whoever executes it.

export const DEFAULT_RECOVERY_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_CLEANUP_TIMEOUT_MS = 30_000;
export const DEFAULT_PROBE_INTERVAL_MS = 2_000;

export interface TargetPod {
  name: string;
  uid: string;
  /** When the pod last turned Ready (ms epoch), if known. */
  readySince?: number;
}

export interface Observation {
  /** Ready, non-terminating target pods. */
  readyPods: TargetPod[];
  /** Replicas the workload wants; undefined when the scenario names no workload. */
  desiredReplicas?: number;
  /**
   * For an instant fault another tool carries out (Chaos Mesh pod-kill,
   * container-kill): the pods it reports as hit. Until it reports any, the
   * fault has not happened yet and recovery cannot be measured.
   */
  injectedPods?: string[];
}

export interface ProbeOutcome {
  name: string;
  ok: boolean;
  message: string;
}

export type Effect =
  | { type: 'inject'; step: number }
  | { type: 'revert'; step: number }
  | { type: 'cleanup' }
  | { type: 'event'; warning: boolean; reason: string; message: string }
  | { type: 'finished'; verdict: Verdict };

export interface Decision {
  status: ScenarioStatus;
  effects: Effect[];
}
