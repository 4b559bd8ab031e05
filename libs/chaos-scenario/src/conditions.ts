import { Condition, ScenarioStatus } from './types';

export const CONDITION_TYPES = ['Progressing', 'SteadyState', 'Recovered', 'Completed'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

/**
 * Sets a condition the Kubernetes way: lastTransitionTime moves only when the
 * status value changes; reason, message and observedGeneration always update.
 */
export function setCondition(
  status: ScenarioStatus,
  type: ConditionType,
  value: Condition['status'],
  reason: string,
  message: string,
  generation: number | undefined,
  now: number,
): void {
  const conditions = (status.conditions ??= []);
  const existing = conditions.find((c) => c.type === type);
  const next: Condition = {
    type,
    status: value,
    reason,
    message,
    observedGeneration: generation,
    lastTransitionTime:
      existing && existing.status === value ? existing.lastTransitionTime : new Date(now).toISOString(),
  };
  if (existing) Object.assign(existing, next);
  else conditions.push(next);
}

export function getCondition(status: ScenarioStatus | undefined, type: ConditionType): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}
