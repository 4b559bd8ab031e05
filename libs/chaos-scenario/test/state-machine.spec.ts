import { describe, expect, it } from 'vitest';
import {
  ChaosScenarioSpec,
  decide,
  dueProbes,
  initialStatus,
  markCleanedUp,
  markInjected,
  markReverted,
  Observation,
  recordProbes,
  ScenarioStatus,
} from '../src';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const pods = (n: number, prefix = 'web') =>
  Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${i}`, uid: `${prefix}-uid-${i}` }));
const target = { namespace: 'shop', selector: { matchLabels: { app: 'web' } } };

function spec(extra: Partial<ChaosScenarioSpec> = {}): ChaosScenarioSpec {
  return {
    target,
    steps: [{ name: 'kill', action: 'pod-delete', mode: 'one' }],
    steadyState: {
      probes: [{ name: 'up', type: 'http', mode: 'Continuous', interval: '1s', http: { url: 'http://x' } }],
    },
    ...extra,
  };
}

/** Drives decide() with fixed observations, as an executor would, and records every effect type. */
function tick(s: ChaosScenarioSpec, status: ScenarioStatus, obs: Observation, now: number) {
  const d = decide(s, status, obs, now, 1, () => 0);
  return { status: d.status, kinds: d.effects.map((e) => e.type), effects: d.effects };
}

describe('state machine', () => {
  it('runs a pod-delete step to Passed and measures the time to recovery from the kill', () => {
    const s = spec();
    let status = initialStatus(s, 1, T0);
    expect(status.phase).toBe('SteadyStateBefore');
    expect(dueProbes(s, status, T0).map((p) => p.name)).toEqual(['up']);
    // Nothing happens until the before-probe has a result.
    expect(tick(s, status, { readyPods: pods(3) }, T0).status.phase).toBe('SteadyStateBefore');
    status = recordProbes(status, [{ name: 'up', ok: true, message: '200' }], T0);
    status = tick(s, status, { readyPods: pods(3) }, T0).status;
    expect(status.phase).toBe('Running');
    expect(status.baselineReplicas).toBe(3);

    // The victim is chosen and persisted before the inject effect is asked for.
    let t = tick(s, status, { readyPods: pods(3) }, T0 + 100);
    expect(t.kinds).toEqual(['inject']);
    expect(t.status.steps?.[0]).toMatchObject({
      phase: 'Injecting',
      targets: ['web-0'],
      targetUids: ['web-uid-0'],
    });
    // A restarted executor sees Injecting and repeats the (idempotent) effect without choosing again.
    const again = tick(s, t.status, { readyPods: pods(3, 'other') }, T0 + 150);
    expect(again.kinds).toEqual(['inject']);
    expect(again.status.steps?.[0].targets).toEqual(['web-0']);

    status = markInjected(s, t.status, 0, {});
    expect(status.steps?.[0].phase).toBe('Recovering');
    // The victim still shows Ready: it must not count towards recovery.
    t = tick(s, status, { readyPods: pods(3), desiredReplicas: 3 }, T0 + 500);
    expect(t.status.steps?.[0].recoveredAt).toBeUndefined();
    const replaced = [...pods(3).slice(1), { name: 'web-new', uid: 'new' }];
    t = tick(s, t.status, { readyPods: replaced, desiredReplicas: 3 }, T0 + 2_600);
    expect(t.status.steps?.[0]).toMatchObject({ phase: 'Recovered', timeToRecoverySeconds: 2.5 });
    expect(t.status.phase).toBe('SteadyStateAfter');

    status = recordProbes(t.status, [{ name: 'up', ok: true, message: '200' }], T0 + 2_700);
    t = tick(s, status, { readyPods: replaced }, T0 + 2_700);
    expect(t.status).toMatchObject({ phase: 'CleaningUp', verdict: 'Passed', reason: 'AllStepsRecovered' });
    expect(t.kinds).toContain('cleanup');
    const done = markCleanedUp(t.status, T0 + 3_000, 1);
    expect(done.status.phase).toBe('Completed');
    expect(done.effects).toEqual([{ type: 'finished', verdict: 'Passed' }]);
    expect(done.status.timeToRecoverySeconds).toBe(2.5);
    const completed = done.status.conditions?.find((c) => c.type === 'Completed');
    expect(completed).toMatchObject({ status: 'True', reason: 'Passed', observedGeneration: 1 });
  });

  it('holds a lasting fault for its duration, reverts it, then measures recovery from the revert', () => {
    const s = spec({
      steps: [
        {
          name: 'delay',
          action: 'network-delay',
          mode: 'all',
          duration: '10s',
          network: { latency: '100ms' },
        },
      ],
    });
    let status = recordProbes(initialStatus(s, 1, T0), [{ name: 'up', ok: true, message: '' }], T0);
    status = tick(s, status, { readyPods: pods(2) }, T0).status;
    status = tick(s, status, { readyPods: pods(2) }, T0).status;
    status = markInjected(s, status, 0, {
      objects: [{ apiVersion: 'v', kind: 'NetworkChaos', name: 'n', namespace: 'shop' }],
    });
    expect(status.steps?.[0].phase).toBe('Injected');
    expect(tick(s, status, { readyPods: pods(2) }, T0 + 9_000).kinds).toEqual([]);
    const t = tick(s, status, { readyPods: pods(2) }, T0 + 10_000);
    expect(t.kinds).toEqual(['revert']);
    status = markReverted(t.status, 0);
    status = tick(s, status, { readyPods: pods(2) }, T0 + 10_400).status;
    expect(status.steps?.[0]).toMatchObject({ phase: 'Recovered', timeToRecoverySeconds: 0.4 });
  });

  it('aborts when a probe fails too often in a row during the steps, and asks for cleanup', () => {
    const s = spec({
      abort: { maxConsecutiveProbeFailures: 2 },
      steps: [{ name: 'loss', action: 'network-loss', mode: 'all', duration: '1h', network: { loss: '50' } }],
    });
    let status = recordProbes(initialStatus(s, 1, T0), [{ name: 'up', ok: true, message: '' }], T0);
    status = tick(s, status, { readyPods: pods(2) }, T0).status;
    status = markInjected(s, tick(s, status, { readyPods: pods(2) }, T0).status, 0, {});
    expect(dueProbes(s, status, T0 + 500)).toEqual([]);
    expect(dueProbes(s, status, T0 + 1_000).map((p) => p.name)).toEqual(['up']);
    status = recordProbes(status, [{ name: 'up', ok: false, message: '503' }], T0 + 1_000);
    expect(tick(s, status, { readyPods: pods(2) }, T0 + 1_000).status.phase).toBe('Running');
    status = recordProbes(status, [{ name: 'up', ok: false, message: '503' }], T0 + 2_000);
    const t = tick(s, status, { readyPods: pods(2) }, T0 + 2_000);
    expect(t.status).toMatchObject({
      phase: 'CleaningUp',
      verdict: 'Aborted',
      reason: 'ProbeFailures',
      errorRatio: 1,
    });
    expect(t.kinds).toEqual(['event', 'cleanup']);
  });

  it('aborts before injecting anything when the steady state does not hold at the start', () => {
    const s = spec();
    const status = recordProbes(
      initialStatus(s, 1, T0),
      [{ name: 'up', ok: false, message: 'connection refused' }],
      T0,
    );
    const t = tick(s, status, { readyPods: pods(3) }, T0);
    expect(t.status).toMatchObject({ verdict: 'Aborted', reason: 'SteadyStateNotMet' });
    expect(t.status.steps?.[0].phase).toBe('Pending');
    expect(t.kinds).not.toContain('inject');
  });

  it('fails a step that does not recover within the recovery timeout', () => {
    const s = spec({ recoveryTimeout: '30s', steadyState: undefined });
    let status = tick(s, initialStatus(s, 1, T0), { readyPods: pods(3) }, T0).status;
    status = markInjected(s, tick(s, status, { readyPods: pods(3) }, T0).status, 0, {});
    const short = { readyPods: pods(3).slice(1), desiredReplicas: 3 };
    expect(tick(s, status, short, T0 + 29_000).status.phase).toBe('Running');
    const t = tick(s, status, short, T0 + 31_000);
    expect(t.status).toMatchObject({ verdict: 'Failed', reason: 'NotRecovered' });
    expect(t.status.steps?.[0].phase).toBe('NotRecovered');
  });

  it('fails the run when the steady state is not restored after the steps', () => {
    const s = spec();
    let status = recordProbes(initialStatus(s, 1, T0), [{ name: 'up', ok: true, message: '' }], T0);
    status = tick(s, status, { readyPods: pods(1) }, T0).status;
    status = markInjected(s, tick(s, status, { readyPods: pods(1) }, T0).status, 0, {});
    status = tick(s, status, { readyPods: [{ name: 'n', uid: 'n' }] }, T0 + 1_000).status;
    status = recordProbes(status, [{ name: 'up', ok: false, message: '500' }], T0 + 1_100);
    expect(tick(s, status, { readyPods: pods(1) }, T0 + 1_100).status).toMatchObject({
      verdict: 'Failed',
      reason: 'SteadyStateNotRestored',
    });
  });

  it('marks steps Skipped in a dry run and passes on the probes alone', () => {
    const s = spec({ dryRun: true, steadyState: undefined });
    let status = tick(s, initialStatus(s, 1, T0), { readyPods: pods(2) }, T0).status;
    status = markInjected(s, tick(s, status, { readyPods: pods(2) }, T0).status, 0, { dryRun: true });
    status = tick(s, status, { readyPods: pods(2) }, T0).status;
    expect(tick(s, status, { readyPods: pods(2) }, T0).status).toMatchObject({
      verdict: 'Passed',
      reason: 'DryRun',
    });
  });

  it('measures a Chaos Mesh kill only once Chaos Mesh reports the pod it hit', () => {
    const s = spec({
      steadyState: undefined,
      steps: [{ name: 'k', action: 'container-kill', mode: 'one', containerNames: ['main'] }],
    });
    const before = pods(2).map((p) => ({ ...p, readySince: T0 - 60_000 }));
    let status = tick(s, initialStatus(s, 1, T0), { readyPods: before }, T0).status;
    status = markInjected(s, tick(s, status, { readyPods: before }, T0 + 1_000).status, 0, {});
    // All pods still look Ready, but nothing was hit yet: no recovery to measure.
    status = tick(s, status, { readyPods: before }, T0 + 1_500).status;
    expect(status.steps?.[0].recoveredAt).toBeUndefined();
    // Hit, container restarting: the pod is Ready only from before the hit.
    status = tick(s, status, { readyPods: before, injectedPods: ['web-1'] }, T0 + 2_000).status;
    expect(status.steps?.[0]).toMatchObject({ targets: ['web-1'], phase: 'Recovering' });
    const restarted = [before[0], { ...before[1], readySince: T0 + 4_000 }];
    status = tick(s, status, { readyPods: restarted }, T0 + 4_200).status;
    expect(status.steps?.[0]).toMatchObject({ phase: 'Recovered', timeToRecoverySeconds: 3.2 });
  });

  it('aborts when no pod matches the target', () => {
    const s = spec({ steadyState: undefined });
    expect(tick(s, initialStatus(s, 1, T0), { readyPods: [] }, T0).status.reason).toBe('NoTargets');
  });
});
