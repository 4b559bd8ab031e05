import { durationMs } from './duration';
import { Action, CHAOS_MESH_ACTIONS, StepSpec } from './types';

/**
 * The mapping-independent model of a step: what the fault does in time, not
 * who carries it out. Instant faults (kills) end when injected; lasting
 * faults hold for `duration` and are then reverted. Each executor (the
 * operator's Chaos Mesh and pod-delete code, the local runner) maps actions
 * to its own means.
 */
export type FaultShape = 'instant' | 'lasting';
export type ActionFamily = 'pod' | 'network' | 'stress';

export const INSTANT_ACTIONS: readonly Action[] = ['pod-delete', 'pod-kill', 'container-kill'];

export function faultShape(action: Action): FaultShape {
  return INSTANT_ACTIONS.includes(action) ? 'instant' : 'lasting';
}

export function actionFamily(action: Action): ActionFamily {
  if (action.startsWith('network-')) return 'network';
  if (action.endsWith('-stress')) return 'stress';
  return 'pod';
}

export function needsChaosMesh(action: Action): boolean {
  return (CHAOS_MESH_ACTIONS as readonly Action[]).includes(action);
}

/** How long the fault is held (lasting) or watched after the kill (instant). */
export function stepDurationMs(step: StepSpec): number {
  return durationMs(step.duration, 0);
}
