// Over 250 lines: the Chaos Mesh actions share one control plane with Chaos Mesh's CRDs and one operator.
import { ChaosScenario } from '@ha-shop/chaos-scenario';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosOperator, FINALIZER, LABEL_SCENARIO_UID } from '../src';
import {
  Cluster,
  completed,
  createScenario,
  getScenario,
  metricsText,
  ProbeTarget,
  scenario,
  scenarioEvents,
  startOperatorFixture,
  stopOperatorFixture,
  waitFor,
  waitForScenario,
} from './support';

// Chaos Mesh's real CRDs are installed, but not its controller (it needs a
// container runtime): the objects are created, validated by the API server,
// owned and deleted, while no fault actually reaches the simulated pods.
describe('Chaos Mesh actions', () => {
  let c: Cluster;
  let ns: string;
  let op: ChaosOperator;
  let probe: ProbeTarget;

  beforeAll(async () => {
    ({ c, ns, op, probe } = await startOperatorFixture({
      chaosMesh: true,
      namespace: 'mesh',
      app: 'api',
      replicas: 2,
      identity: 'op-mesh',
    }));
  });
  afterAll(() => stopOperatorFixture({ c, op, probe }));

  const target = () => ({
    namespace: ns,
    selector: { matchLabels: { app: 'api' } },
    workload: { kind: 'Deployment' as const, name: 'api' },
  });
  const kinds = { PodChaos: 'podchaos', NetworkChaos: 'networkchaos', StressChaos: 'stresschaos' } as const;
  const list = async (kind: keyof typeof kinds, uid: string) =>
    (
      (await c.custom.listNamespacedCustomObject({
        group: 'chaos-mesh.org',
        version: 'v1alpha1',
        plural: kinds[kind],
        namespace: ns,
        labelSelector: `${LABEL_SCENARIO_UID}=${uid}`,
      })) as { items: any[] }
    ).items;
  const waitForObject = (kind: keyof typeof kinds, uid: string) =>
    waitFor(`a ${kind}`, async () => (await list(kind, uid))[0], { timeoutMs: 120_000, intervalMs: 100 });
  const ownedBy = (s: ChaosScenario) => [
    expect.objectContaining({
      apiVersion: 'chaos.ha-shop.dev/v1alpha1',
      kind: 'ChaosScenario',
      name: s.metadata.name,
      uid: s.metadata.uid,
      controller: true,
    }),
  ];

  it('creates PodChaos and NetworkChaos with the right spec and owner, and deletes them at the end', async () => {
    const created = await createScenario(
      c,
      scenario('mesh-steps', ns, {
        target: target(),
        steps: [
          { name: 'fail-half', action: 'pod-failure', mode: 'fixed-percent', value: '50', duration: '4s' },
          {
            name: 'slow',
            action: 'network-delay',
            mode: 'all',
            duration: '4s',
            network: {
              latency: '250ms',
              jitter: '20ms',
              direction: 'both',
              externalTargets: ['example.com'],
            },
          },
        ],
      }),
    );
    const uid = created.metadata.uid as string;
    const pod = await waitForObject('PodChaos', uid);
    expect(pod.metadata.ownerReferences).toEqual(ownedBy(created));
    expect(pod.metadata.labels).toMatchObject({
      'chaos.ha-shop.dev/scenario': 'mesh-steps',
      'chaos.ha-shop.dev/step': '0',
    });
    expect(pod.spec).toEqual({
      action: 'pod-failure',
      mode: 'fixed-percent',
      value: '50',
      duration: '4s',
      selector: { namespaces: [ns], labelSelectors: { app: 'api' } },
    });
    const net = await waitForObject('NetworkChaos', uid);
    expect(net.metadata.ownerReferences).toEqual(ownedBy(created));
    expect(net.spec).toMatchObject({
      action: 'delay',
      mode: 'all',
      duration: '4s',
      direction: 'both',
      externalTargets: ['example.com'],
      delay: { latency: '250ms', jitter: '20ms' },
      selector: { namespaces: [ns], labelSelectors: { app: 'api' } },
    });
    // One fault at a time: the first step's object is gone once the second's exists.
    expect(await list('PodChaos', uid)).toEqual([]);

    const done = await waitForScenario(c, ns, 'mesh-steps', 'completed', completed);
    expect(done.status).toMatchObject({ verdict: 'Passed' });
    expect(done.status?.steps?.map((s) => [s.phase, s.objects?.[0]?.kind])).toEqual([
      ['Recovered', 'PodChaos'],
      ['Recovered', 'NetworkChaos'],
    ]);
    expect(await list('PodChaos', uid)).toEqual([]);
    expect(await list('NetworkChaos', uid)).toEqual([]);
  });

  it('aborts and cleans up when a steady-state probe keeps failing during the fault', async () => {
    const created = await createScenario(
      c,
      scenario('partition-aborts', ns, {
        target: target(),
        steadyState: {
          probes: [
            {
              name: 'http-up',
              type: 'http',
              mode: 'Continuous',
              interval: '300ms',
              http: { url: probe.url },
            },
          ],
        },
        steps: [
          {
            name: 'partition',
            action: 'network-partition',
            mode: 'all',
            duration: '1h',
            network: {
              direction: 'both',
              target: { namespace: ns, selector: { matchLabels: { app: 'db' } } },
            },
          },
        ],
        abort: { maxConsecutiveProbeFailures: 2 },
      }),
    );
    const uid = created.metadata.uid as string;
    const net = await waitForObject('NetworkChaos', uid);
    expect(net.spec).toMatchObject({
      action: 'partition',
      target: { mode: 'all', selector: { namespaces: [ns], labelSelectors: { app: 'db' } } },
    });
    probe.status = 500;
    try {
      const done = await waitForScenario(c, ns, 'partition-aborts', 'completed', completed);
      expect(done.status).toMatchObject({ verdict: 'Aborted', reason: 'ProbeFailures' });
      expect(done.status?.message).toContain('http-up');
      expect(done.status?.probes?.[0].consecutiveFailures).toBeGreaterThanOrEqual(2);
      expect(done.status?.errorRatio).toBeGreaterThan(0);
      expect(await list('NetworkChaos', uid)).toEqual([]);
      expect((await scenarioEvents(c, ns, 'partition-aborts')).map((e) => e.reason)).toContain(
        'VerdictAborted',
      );
    } finally {
      probe.status = 200;
    }
  });

  it('cleans up through the finalizer when the scenario is deleted mid-run', async () => {
    const created = await createScenario(
      c,
      scenario('deleted-mid-run', ns, {
        target: target(),
        steps: [
          {
            name: 'burn',
            action: 'cpu-stress',
            mode: 'one',
            duration: '1h',
            stress: { cpu: { workers: 1, load: 50 } },
          },
        ],
      }),
    );
    const uid = created.metadata.uid as string;
    const stress = await waitForObject('StressChaos', uid);
    expect(stress.spec).toMatchObject({
      mode: 'one',
      duration: '1h',
      stressors: { cpu: { workers: 1, load: 50 } },
    });
    expect((await getScenario(c, ns, 'deleted-mid-run')).metadata.finalizers).toContain(FINALIZER);

    await c.custom.deleteNamespacedCustomObject({
      group: 'chaos.ha-shop.dev',
      version: 'v1alpha1',
      plural: 'chaosscenarios',
      namespace: ns,
      name: 'deleted-mid-run',
    });
    await waitFor(
      'the scenario gone',
      () =>
        getScenario(c, ns, 'deleted-mid-run').then(
          () => false,
          (e: { code?: number }) => e.code === 404,
        ),
      { timeoutMs: 120_000 },
    );
    expect(await list('StressChaos', uid)).toEqual([]);
  });

  it('removes the finalizers of a Chaos Mesh object stuck in deletion once the cleanup timeout has passed', async () => {
    const created = await createScenario(
      c,
      scenario('stuck-object', ns, {
        target: target(),
        cleanupTimeout: '2s',
        steps: [{ name: 'fail', action: 'pod-failure', mode: 'one', duration: '5s' }],
      }),
    );
    const uid = created.metadata.uid as string;
    const pod = await waitForObject('PodChaos', uid);
    // Stands in for Chaos Mesh's controller, which puts this finalizer on every object and
    // removes it only after it has restored the pods; a missing or wedged controller never does.
    await c.custom.replaceNamespacedCustomObject({
      group: 'chaos-mesh.org',
      version: 'v1alpha1',
      plural: 'podchaos',
      namespace: ns,
      name: pod.metadata.name,
      body: { ...pod, metadata: { ...pod.metadata, finalizers: ['chaos-mesh/records'] } },
    });
    const terminating = await waitFor(
      'the PodChaos terminating but held by its finalizer',
      async () => (await list('PodChaos', uid)).find((o) => o.metadata.deletionTimestamp),
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    expect(terminating.metadata.finalizers).toEqual(['chaos-mesh/records']);

    const done = await waitForScenario(c, ns, 'stuck-object', 'completed', completed);
    expect(done.status?.verdict).toBe('Passed');
    expect(await list('PodChaos', uid)).toEqual([]);
    const forced = (await scenarioEvents(c, ns, 'stuck-object')).filter((e) => e.reason === 'ForcedCleanup');
    expect(forced).toHaveLength(1);
    expect(forced[0]).toMatchObject({ type: 'Warning' });
    expect(forced[0].message).toContain(`PodChaos/${pod.metadata.name}`);
    expect(await metricsText(op)).toContain('chaos_operator_forced_cleanups_total 1');
  });
});
