import { describe, expect, it } from 'vitest';
import {
  abortReason,
  crdManifest,
  errorRatio,
  evaluatePromql,
  parseDuration,
  parseScenarios,
  ScenarioStatus,
  selectionSize,
  selectTargets,
  summarize,
  timeToRecoverySeconds,
  validateScenario,
} from '../src';

describe('report maths', () => {
  it('computes error ratios and times to recovery', () => {
    expect(errorRatio(0, 0)).toBe(0);
    expect(errorRatio(3, 1)).toBe(0.3333);
    expect(timeToRecoverySeconds('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:02.345Z')).toBe(2.345);
    // A clock step backwards never yields a negative recovery time.
    expect(timeToRecoverySeconds('2026-01-01T00:00:02.000Z', '2026-01-01T00:00:01.000Z')).toBe(0);
  });

  it('summarizes steps into the scenario-wide figures', () => {
    const status: ScenarioStatus = {
      steps: [
        {
          name: 'a',
          action: 'pod-delete',
          phase: 'Recovered',
          timeToRecoverySeconds: 1.5,
          probeRuns: 4,
          probeFailures: 1,
        },
        {
          name: 'b',
          action: 'pod-kill',
          phase: 'Recovered',
          timeToRecoverySeconds: 3.25,
          probeRuns: 6,
          probeFailures: 0,
        },
        { name: 'c', action: 'pod-kill', phase: 'Pending' },
      ],
    };
    summarize(status);
    expect(status.timeToRecoverySeconds).toBe(3.25);
    expect(status.errorRatio).toBe(0.1);
    expect(status.steps?.map((s) => s.errorRatio)).toEqual([0.25, 0, undefined]);
  });

  it('trips the error-ratio abort only with enough samples', () => {
    const probes = [{ name: 'p', mode: 'Continuous' as const, runs: 4, failures: 2, consecutiveFailures: 0 }];
    const steps = (runs: number, failures: number) => [
      {
        name: 's',
        action: 'pod-delete' as const,
        phase: 'Recovering' as const,
        probeRuns: runs,
        probeFailures: failures,
      },
    ];
    expect(abortReason({ maxErrorRatio: 0.3 }, probes, steps(4, 2))).toBeUndefined();
    expect(abortReason({ maxErrorRatio: 0.3 }, probes, steps(6, 3))?.[0]).toBe('ErrorRatio');
    expect(abortReason({ maxErrorRatio: 0.3, minSamples: 10 }, probes, steps(6, 3))).toBeUndefined();
    expect(abortReason(undefined, probes, steps(6, 6))).toBeUndefined();
  });
});

describe('target selection', () => {
  it('follows Chaos Mesh arithmetic for every mode', () => {
    expect(selectionSize('one', undefined, 5)).toBe(1);
    expect(selectionSize('one', undefined, 0)).toBe(0);
    expect(selectionSize('all', undefined, 5)).toBe(5);
    expect(selectionSize('fixed', '2', 5)).toBe(2);
    expect(selectionSize('fixed', '9', 5)).toBe(5);
    expect(selectionSize('fixed-percent', '50', 5)).toBe(2);
    expect(selectionSize('random-max-percent', '60', 5, () => 0)).toBe(0);
    expect(selectionSize('random-max-percent', '60', 5, () => 0.999)).toBe(3);
  });

  it('picks distinct targets from the candidates', () => {
    const picked = selectTargets(['a', 'b', 'c', 'd'], 'fixed', '3', () => 0.5);
    expect(new Set(picked).size).toBe(3);
    for (const p of picked) expect(['a', 'b', 'c', 'd']).toContain(p);
  });
});

describe('durations and PromQL', () => {
  it('parses Go-style durations and refuses anything else', () => {
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    for (const bad of ['-5s', '5', 's', '5 s', ''])
      expect(() => parseDuration(bad)).toThrow(/not a duration/);
  });

  it('judges Prometheus query answers', () => {
    const vector = (...v: string[]) => ({
      status: 'success',
      data: { resultType: 'vector', result: v.map((x) => ({ metric: {}, value: [0, x] })) },
    });
    expect(evaluatePromql(vector('0.01', '0.02'), '<', 0.05).ok).toBe(true);
    expect(evaluatePromql(vector('0.01', '0.2'), '<', 0.05)).toMatchObject({
      ok: false,
      message: '0.2 is not < 0.05',
    });
    expect(evaluatePromql(vector(), '<', 1).message).toBe('query returned no samples');
    expect(
      evaluatePromql({ status: 'success', data: { resultType: 'scalar', result: [0, '3'] } }, '>=', 3).ok,
    ).toBe(true);
    expect(evaluatePromql({ status: 'error', error: 'bad query' }, '>', 0).ok).toBe(false);
  });
});

describe('local validation', () => {
  const good = `
apiVersion: chaos.ha-shop.dev/v1alpha1
kind: ChaosScenario
metadata: { name: kill-web }
spec:
  target: { namespace: shop, selector: { matchLabels: { app: web } } }
  steps:
    - { name: kill, action: pod-delete, mode: fixed-percent, value: "50" }
`;

  it('parses a valid document and ignores other kinds in the same file', () => {
    const list = parseScenarios(`${good}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n`);
    expect(list.map((s) => s.metadata.name)).toEqual(['kill-web']);
  });

  it('reports structural and cross-field errors with API-server paths', () => {
    const doc = parseScenarios(good)[0] as unknown as { spec: Record<string, unknown> };
    const errs = (spec: unknown) => validateScenario({ ...doc, spec }).map((e) => `${e.path}: ${e.message}`);
    const step = (extra: object) => ({
      ...(doc.spec as { target: object }),
      steps: [{ name: 's', ...extra }],
    });
    expect(errs(step({ action: 'pod-delete', mode: 'fixed' }))).toEqual([
      'spec.steps[0]: modes fixed, fixed-percent and random-max-percent need a value',
    ]);
    expect(errs(step({ action: 'pod-delete', mode: 'sometimes' }))[0]).toMatch(
      /^spec.steps\[0\].mode: Unsupported value/,
    );
    expect(errs(step({ action: 'network-delay', mode: 'all', duration: '5s' }))).toEqual([
      'spec.steps[0]: network-delay needs network.latency',
    ]);
    expect(errs(step({ action: 'pod-delete', mode: 'all', colour: 'red' }))).toEqual([
      'spec.steps[0].colour: unknown field',
    ]);
    expect(() => parseScenarios(good.replace('"50"', '"150"'))).toThrow(/a percent value is at most 100/);
  });

  it('keeps every CEL rule next to its TypeScript twin in the CRD', () => {
    const text = JSON.stringify(crdManifest());
    expect(text).toContain('x-kubernetes-validations');
    expect(text).not.toContain('"check"');
  });
});
