import { durationMs } from './duration';
import { Action, ACTION_TRAITS, ChaosMeshKind, StepSpec } from './types';

/**
 * The mapping-independent model of a step: what the fault does in time, not
 * who carries it out. Instant faults (kills) end when injected; lasting
 * faults hold for `duration` and are then reverted. Each executor (the
 * operator's Chaos Mesh and pod-delete code, the local runner) maps actions
 * to its own means.
 */
export type FaultShape = 'instant' | 'lasting';

export function faultShape(action: Action): FaultShape {
  return ACTION_TRAITS[action].instant ? 'instant' : 'lasting';
}

/** The kind of Chaos Mesh object that carries the action out; null when the operator does it itself. */
export function chaosMeshKind(action: Action): ChaosMeshKind | null {
  return ACTION_TRAITS[action].chaosMeshKind;
}

/** How long the fault is held (lasting) or watched after the kill (instant). */
export function stepDurationMs(step: StepSpec): number {
  return durationMs(step.duration, 0);
}
