// Over 250 lines: the native pod-delete cases share one control plane, workload and operator.
import { ChaosScenario } from '@ha-shop/chaos-scenario';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosOperator, FINALIZER } from '../src';
import {
  Cluster,
  completed,
  createScenario,
  getScenario,
  kubectl,
  metricsText,
  ProbeTarget,
  readyPods,
  scenario,
  scenarioEvents,
  startOperatorFixture,
  stopOperatorFixture,
  waitFor,
  waitForScenario,
} from './support';

describe('native pod-delete', () => {
  let c: Cluster;
  let ns: string;
  let op: ChaosOperator;
  let probe: ProbeTarget;

  beforeAll(async () => {
    ({ c, ns, op, probe } = await startOperatorFixture({
      namespace: 'native',
      app: 'web',
      replicas: 3,
      identity: 'op-native',
    }));
  });
  afterAll(() => stopOperatorFixture({ c, op, probe }));

  const target = () => ({
    namespace: ns,
    selector: { matchLabels: { app: 'web' } },
    workload: { kind: 'Deployment' as const, name: 'web' },
  });

  it('deletes a pod of a 3-replica Deployment, sees it replaced and reports the recovery time with verdict Passed', async () => {
    const before = (await readyPods(c, ns, 'web')).map((p) => p.metadata?.name);
    await createScenario(
      c,
      scenario('kill-one', ns, {
        target: target(),
        steadyState: {
          probes: [
            {
              name: 'http-up',
              type: 'http',
              mode: 'Continuous',
              interval: '500ms',
              http: { url: probe.url },
            },
            {
              name: 'replicas',
              type: 'k8s',
              mode: 'Edge',
              k8s: { kind: 'Deployment', name: 'web', minReadyReplicas: 3 },
            },
          ],
        },
        steps: [{ name: 'kill', action: 'pod-delete', mode: 'one', gracePeriodSeconds: 0, duration: '1s' }],
        abort: { maxConsecutiveProbeFailures: 3 },
      }),
    );
    // The finalizer is on before anything is injected.
    const injecting = await waitForScenario(c, ns, 'kill-one', 'a step injecting', (s) =>
      ['Injecting', 'Recovering', 'Recovered'].includes(s.status?.steps?.[0].phase ?? ''),
    );
    expect(injecting.metadata.finalizers).toContain(FINALIZER);

    // Once everything is cleaned up the finalizer goes, so deleting the scenario never waits for the operator.
    const done = await waitForScenario(
      c,
      ns,
      'kill-one',
      'completed, finalizer released',
      (s) => completed(s) && !(s.metadata.finalizers ?? []).includes(FINALIZER),
    );
    const st = done.status!;
    expect(st).toMatchObject({
      verdict: 'Passed',
      reason: 'AllStepsRecovered',
      observedGeneration: done.metadata.generation,
    });
    const step = st.steps![0];
    expect(step.phase).toBe('Recovered');
    expect(step.targets).toHaveLength(1);
    expect(before).toContain(step.targets![0]);
    expect(typeof step.timeToRecoverySeconds).toBe('number');
    expect(step.timeToRecoverySeconds).toBeGreaterThanOrEqual(0);
    expect(st.timeToRecoverySeconds).toBe(step.timeToRecoverySeconds);
    expect(Date.parse(step.recoveredAt!)).toBeGreaterThanOrEqual(Date.parse(step.injectedAt!));
    expect(st.probes?.find((p) => p.name === 'http-up')).toMatchObject({
      before: 'Passed',
      after: 'Passed',
      failures: 0,
    });
    expect(st.probes?.find((p) => p.name === 'replicas')).toMatchObject({
      before: 'Passed',
      after: 'Passed',
    });
    expect(st.probes?.find((p) => p.name === 'http-up')?.runs).toBeGreaterThan(0);
    expect(st.errorRatio).toBe(0);
    expect(st.conditions?.find((x) => x.type === 'Completed')).toMatchObject({
      status: 'True',
      reason: 'Passed',
      observedGeneration: done.metadata.generation,
    });

    // The victim is gone and the ReplicaSet has replaced it.
    const after = (await readyPods(c, ns, 'web')).map((p) => p.metadata?.name);
    expect(after).toHaveLength(3);
    expect(after).not.toContain(step.targets![0]);

    const reasons = (await scenarioEvents(c, ns, 'kill-one')).map((e) => e.reason);
    for (const r of [
      'Started',
      'SteadyStateMet',
      'Injected',
      'StepRecovered',
      'VerdictPassed',
      'Completed',
    ]) {
      expect(reasons).toContain(r);
    }
    for (const path of ['/healthz', '/readyz']) {
      expect((await fetch(`http://127.0.0.1:${op.httpPort}${path}`)).status).toBe(200);
    }
    const metrics = await metricsText(op);
    expect(metrics).toContain('chaos_operator_scenarios_total{verdict="Passed"} 1');
    expect(metrics).toContain('chaos_operator_recovery_time_seconds_count{action="pod-delete"} 1');

    const table = await kubectl(c.cp, ['get', 'chaosscenario', 'kill-one', '-n', ns, '--no-headers']);
    expect(table.split(/\s+/).slice(0, 3)).toEqual(['kill-one', 'Completed', 'Passed']);
  });

  it('aborts without deleting anything when the steady state does not hold at the start', async () => {
    probe.status = 503;
    try {
      const before = (await readyPods(c, ns, 'web')).map((p) => p.metadata?.uid).sort();
      await createScenario(
        c,
        scenario('unsteady', ns, {
          target: target(),
          steadyState: {
            probes: [{ name: 'http-up', type: 'http', mode: 'Edge', http: { url: probe.url } }],
          },
          steps: [{ name: 'kill', action: 'pod-delete', mode: 'all' }],
        }),
      );
      const done = await waitForScenario(c, ns, 'unsteady', 'completed', completed);
      expect(done.status).toMatchObject({ verdict: 'Aborted', reason: 'SteadyStateNotMet' });
      expect(done.status?.steps?.[0].phase).toBe('Pending');
      expect(done.status?.message).toContain('HTTP 503');
      expect((await readyPods(c, ns, 'web')).map((p) => p.metadata?.uid).sort()).toEqual(before);
    } finally {
      probe.status = 200;
    }
  });

  it('runs a scheduled scenario as child runs, one at a time under the Forbid policy', async () => {
    const parent = await createScenario(
      c,
      scenario('every-2s', ns, {
        target: target(),
        schedule: '*/2 * * * * *',
        concurrencyPolicy: 'Forbid',
        historyLimit: 5,
        steps: [
          { name: 'kill', action: 'pod-delete', mode: 'one', gracePeriodSeconds: 0, duration: '2500ms' },
        ],
      }),
    );
    const children = async () =>
      (
        (await c.custom.listNamespacedCustomObject({
          group: 'chaos.ha-shop.dev',
          version: 'v1alpha1',
          plural: 'chaosscenarios',
          namespace: ns,
          labelSelector: 'chaos.ha-shop.dev/scheduled-by=every-2s',
        })) as { items: ChaosScenario[] }
      ).items;
    await waitFor('two finished runs', async () => (await children()).filter(completed).length >= 2, {
      timeoutMs: 120_000,
    });
    const p = await getScenario(c, ns, 'every-2s');
    expect(p.status).toMatchObject({ phase: 'Scheduled', verdict: 'Passed', lastRun: { verdict: 'Passed' } });
    expect(p.status?.nextScheduleTime).toBeDefined();
    // The template itself injects nothing and holds no finalizer.
    expect(p.status?.steps).toBeUndefined();
    expect(p.metadata.finalizers ?? []).not.toContain(FINALIZER);

    const runs = (await children()).filter(completed);
    for (const run of runs) {
      expect(run.spec.schedule).toBeUndefined();
      expect((run.metadata as any).ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'ChaosScenario',
          name: 'every-2s',
          uid: parent.metadata.uid,
          controller: true,
        }),
      ]);
      expect(run.status?.verdict).toBe('Passed');
    }
    // Forbid: no two runs overlapped, so the ticks that came while one ran were skipped.
    const windows = runs
      .map((r) => [Date.parse(r.status!.startedAt!), Date.parse(r.status!.finishedAt!)])
      .sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < windows.length; i++) expect(windows[i][0]).toBeGreaterThanOrEqual(windows[i - 1][1]);
    expect((await scenarioEvents(c, ns, 'every-2s')).map((e) => e.reason)).toContain('RunSkipped');

    // Deleting the template takes its runs with it (garbage collection through the owner references).
    await c.custom.deleteNamespacedCustomObject({
      group: 'chaos.ha-shop.dev',
      version: 'v1alpha1',
      plural: 'chaosscenarios',
      namespace: ns,
      name: 'every-2s',
    });
    await waitFor('the runs gone', async () => (await children()).length === 0, { timeoutMs: 120_000 });
    await waitFor('3 ready pods again', async () => (await readyPods(c, ns, 'web')).length === 3, {
      timeoutMs: 120_000,
    });
  });

  it('in a dry run chooses victims but deletes nothing', async () => {
    const before = (await readyPods(c, ns, 'web')).map((p) => p.metadata?.uid).sort();
    await createScenario(
      c,
      scenario('rehearsal', ns, {
        target: target(),
        dryRun: true,
        steps: [{ name: 'kill', action: 'pod-delete', mode: 'fixed', value: '2' }],
      }),
    );
    const done = await waitForScenario(c, ns, 'rehearsal', 'completed', completed);
    expect(done.status).toMatchObject({ verdict: 'Passed', reason: 'DryRun' });
    expect(done.status?.steps?.[0]).toMatchObject({ phase: 'Skipped' });
    expect(done.status?.steps?.[0].targets).toHaveLength(2);
    expect((await readyPods(c, ns, 'web')).map((p) => p.metadata?.uid).sort()).toEqual(before);
    expect((await getScenario(c, ns, 'rehearsal')).status?.steps?.[0].message).toMatch(
      /^dry run: would delete/,
    );
  });
});
