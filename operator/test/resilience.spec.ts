import { ChaosScenarioSpec } from '@ha-shop/chaos-scenario';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosOperator, COMPONENT } from '../src';
import {
  Cluster,
  completed,
  createDeployment,
  createNamespace,
  createScenario,
  readyPods,
  scenario,
  scenarioEvents,
  startCluster,
  startOperator,
  waitFor,
  waitForScenario,
} from './support';

const LEASE = 'chaos-operator-leader';
const LEASE_MS = 6_000;

describe('operator robustness', () => {
  let c: Cluster;
  let ns: string;
  const operators: ChaosOperator[] = [];
  const start = async (identity: string) => {
    const op = await startOperator(c, identity, { leaseDurationMs: LEASE_MS });
    operators.push(op);
    return op;
  };
  const holder = async () =>
    (await c.coordination.readNamespacedLease({ name: LEASE, namespace: 'default' })).spec?.holderIdentity;
  const instances = async (name: string) =>
    new Set((await scenarioEvents(c, ns, name)).map((e) => e.reportingInstance));
  const twoKills = (duration: string): ChaosScenarioSpec => ({
    target: {
      namespace: ns,
      selector: { matchLabels: { app: 'web' } },
      workload: { kind: 'Deployment', name: 'web' },
    },
    steps: [
      { name: 'first', action: 'pod-delete', mode: 'one', gracePeriodSeconds: 0, duration },
      { name: 'second', action: 'pod-delete', mode: 'one', gracePeriodSeconds: 0, duration },
    ],
  });

  beforeAll(async () => {
    c = await startCluster();
    ns = await createNamespace(c, 'robust');
    await createDeployment(c, ns, 'web', 3);
  });
  afterAll(async () => {
    for (const op of operators) await op.stop();
    await c?.cp.stop();
  });

  it('lets only the leader act, and hands over within the lease time when the leader stops', async () => {
    const a = await start('op-a');
    await waitFor('op-a leading', () => a.isLeader);
    const b = await start('op-b');
    await createScenario(c, scenario('led-by-a', ns, twoKills('0s')));
    const done = await waitForScenario(c, ns, 'led-by-a', 'completed', completed);
    expect(done.status?.verdict).toBe('Passed');
    expect(b.isLeader).toBe(false);
    expect(await holder()).toBe('op-a');
    expect(await instances('led-by-a')).toEqual(new Set(['op-a']));
    expect((await scenarioEvents(c, ns, 'led-by-a')).every((e) => e.reportingComponent === COMPONENT)).toBe(
      true,
    );
    // The follower has not reconciled anything.
    expect((await b.metrics.reconciles.get()).values.reduce((n, v) => n + v.value, 0)).toBe(0);

    await a.stop();
    // The stopped leader released the Lease, so the follower need not wait it out; the bound is the lease time.
    await waitFor('op-b leading', async () => b.isLeader && (await holder()) === 'op-b', {
      timeoutMs: LEASE_MS,
    });
    await createScenario(c, scenario('led-by-b', ns, twoKills('0s')));
    expect((await waitForScenario(c, ns, 'led-by-b', 'completed', completed)).status?.verdict).toBe('Passed');
    expect(await instances('led-by-b')).toEqual(new Set(['op-b']));
    const lease = await c.coordination.readNamespacedLease({ name: LEASE, namespace: 'default' });
    expect(lease.spec?.leaseTransitions).toBeGreaterThanOrEqual(1);
  });

  it('resumes a scenario from its status after an operator restart, without repeating a step', async () => {
    const current = operators.find((o) => o.isLeader) as ChaosOperator;
    await createScenario(c, scenario('resumed', ns, twoKills('4s')));
    const mid = await waitForScenario(c, ns, 'resumed', 'first step injected', (s) =>
      ['Recovering', 'Recovered'].includes(s.status?.steps?.[0].phase ?? ''),
    );
    await current.stop();
    const next = await start('op-c');
    const done = await waitForScenario(c, ns, 'resumed', 'completed', completed);
    expect(done.status?.verdict).toBe('Passed');
    const [first, second] = done.status!.steps!;
    // The first step kept its victim and injection time: it was resumed, not run again.
    expect(first.injectedAt).toBe(mid.status!.steps![0].injectedAt);
    expect(first.targets).toEqual(mid.status!.steps![0].targets);
    expect(second.targets).toHaveLength(1);
    expect(second.targets).not.toEqual(first.targets);
    expect(await instances('resumed')).toContain('op-c');
    expect(next.isLeader).toBe(true);
  });

  it('survives an API server restart mid-run and finishes the scenario', async () => {
    const op = operators.find((o) => o.isLeader) as ChaosOperator;
    const restartsBefore = await op.watchRestarts();
    await createScenario(c, scenario('through-restart', ns, twoKills('5s')));
    await waitForScenario(c, ns, 'through-restart', 'first step injected', (s) =>
      ['Recovering', 'Recovered'].includes(s.status?.steps?.[0].phase ?? ''),
    );
    await c.cp.restartApiServer();
    const done = await waitForScenario(c, ns, 'through-restart', 'completed', completed);
    expect(done.status?.verdict).toBe('Passed');
    expect(done.status?.steps?.map((s) => s.phase)).toEqual(['Recovered', 'Recovered']);
    // The watch broke with the API server and was re-established (a fresh informer, or a fresh controller after the Lease lapsed).
    expect(await op.watchRestarts()).toBeGreaterThan(restartsBefore);
    expect(await readyPods(c, ns, 'web')).toHaveLength(3);
  });
});
