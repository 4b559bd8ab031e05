/** The Kubernetes HorizontalPodAutoscaler's replica calculation, for one metric (an average per replica). */
export interface HpaInput {
  /** Replicas the metric was averaged over (the ready ones). */
  current: number;
  /** Observed average per replica, e.g. in-flight requests. */
  observed: number;
  target: number;
  /** Ratios within 1 ± tolerance change nothing (Kubernetes' default 0.1). */
  tolerance: number;
  min: number;
  max: number;
}

/**
 * desired = ceil(current × observed / target), unchanged inside the tolerance band,
 * clamped to [min, max]. With no ready replica there is nothing to measure: the
 * recommendation is to keep what there is, but at least `min`.
 */
export function desiredReplicas(i: HpaInput): number {
  const clamp = (n: number) => Math.min(i.max, Math.max(i.min, n));
  if (i.current <= 0 || !(i.target > 0) || !Number.isFinite(i.observed)) return clamp(i.current);
  const ratio = i.observed / i.target;
  // The epsilon keeps 2.2 / 2 (1.1000000000000001 in floating point) inside a 10 % band.
  if (Math.abs(ratio - 1) <= i.tolerance + 1e-9) return clamp(i.current);
  return clamp(Math.ceil(i.current * ratio));
}

/**
 * Scale-down stabilisation (HPA `behavior.scaleDown.stabilizationWindowSeconds`): the
 * replica count may only drop to the highest recommendation made within the window, so
 * a short lull does not remove replicas a returning load needs. Scale-up is immediate.
 */
export class ScaleDownStabilizer {
  private readonly history: Array<{ at: number; replicas: number }> = [];

  constructor(private readonly windowMs: number) {}

  /** Records `recommendation` (made at `now`) and returns the count to apply. */
  stabilize(recommendation: number, current: number, now: number): number {
    this.history.push({ at: now, replicas: recommendation });
    while (this.history.length > 0 && this.history[0].at < now - this.windowMs) this.history.shift();
    if (recommendation >= current) return recommendation;
    const highest = Math.max(...this.history.map((h) => h.replicas));
    return Math.min(current, highest);
  }
}
