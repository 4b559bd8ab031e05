import { describe, expect, it } from 'vitest';
import { desiredReplicas, ScaleDownStabilizer } from '../src/autoscaler/hpa';

const base = { target: 2, tolerance: 0.1, min: 2, max: 4 };

describe('HPA replica calculation', () => {
  it('scales by ceil(current × observed / target)', () => {
    expect(desiredReplicas({ ...base, current: 2, observed: 3 })).toBe(3);
    expect(desiredReplicas({ ...base, current: 2, observed: 2.5 })).toBe(3);
    expect(desiredReplicas({ ...base, current: 3, observed: 1 })).toBe(2);
    expect(desiredReplicas({ ...base, current: 4, observed: 1.4, max: 10 })).toBe(3);
  });

  it('changes nothing while the ratio is within the 10 % tolerance', () => {
    expect(desiredReplicas({ ...base, current: 3, observed: 2.2 })).toBe(3);
    expect(desiredReplicas({ ...base, current: 3, observed: 1.8 })).toBe(3);
    // Just outside the band it acts.
    expect(desiredReplicas({ ...base, current: 3, observed: 2.3 })).toBe(4);
    expect(desiredReplicas({ ...base, current: 3, observed: 1.7, min: 1 })).toBe(3);
    expect(desiredReplicas({ ...base, current: 4, observed: 1.7, min: 1 })).toBe(4);
    expect(desiredReplicas({ ...base, current: 4, observed: 1.4, min: 1 })).toBe(3);
  });

  it('clamps to min and max', () => {
    expect(desiredReplicas({ ...base, current: 2, observed: 40 })).toBe(4);
    expect(desiredReplicas({ ...base, current: 4, observed: 0 })).toBe(2);
    expect(desiredReplicas({ ...base, current: 1, observed: 2 })).toBe(2);
    expect(desiredReplicas({ ...base, current: 6, observed: 2 })).toBe(4);
  });

  it('keeps the current count (within limits) when nothing can be measured', () => {
    expect(desiredReplicas({ ...base, current: 0, observed: 5 })).toBe(2);
    expect(desiredReplicas({ ...base, current: 3, observed: NaN })).toBe(3);
  });
});

describe('scale-down stabilisation window', () => {
  it('scales up at once but only down to the highest recommendation within the window', () => {
    const s = new ScaleDownStabilizer(10_000);
    expect(s.stabilize(4, 2, 0)).toBe(4);
    // Load gone at t=1 s: the recommendation of 4 made at t=0 still holds within the window.
    expect(s.stabilize(2, 4, 1_000)).toBe(4);
    expect(s.stabilize(2, 4, 9_000)).toBe(4);
    // Three at t=9.5 s, then past t=10 s the 4 left the window: down to 3, then to 2 after 19.5 s.
    expect(s.stabilize(3, 4, 9_500)).toBe(4);
    expect(s.stabilize(2, 4, 10_500)).toBe(3);
    expect(s.stabilize(2, 3, 19_000)).toBe(3);
    expect(s.stabilize(2, 3, 20_000)).toBe(2);
  });

  it('with a zero window follows every recommendation', () => {
    const s = new ScaleDownStabilizer(0);
    expect(s.stabilize(4, 2, 0)).toBe(4);
    expect(s.stabilize(2, 4, 1)).toBe(2);
  });

  it('never raises the count on a scale-down recommendation', () => {
    const s = new ScaleDownStabilizer(10_000);
    s.stabilize(4, 4, 0);
    expect(s.stabilize(2, 3, 1_000)).toBe(3);
  });
});
