import * as k8s from '@kubernetes/client-node';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@ha-shop/k8s-harness';
import { readReleaseDatabase } from '../../apps/storefront/src/lib/architecture/kubernetes-database';
import {
  readReleaseWorkloads,
  type ReleaseWorkloads,
} from '../../apps/storefront/src/lib/architecture/kubernetes-workloads';
import { prepareCharts } from './support/charts';
import { Cluster, createNamespace, startCluster } from './support/cluster';
import { mustRun, runTool } from './support/tools';

const RELEASE = 'shop';
const SERVICE = 'product-service';
const labels = { 'app.kubernetes.io/name': SERVICE, 'app.kubernetes.io/instance': RELEASE };
const DATABASE = `${RELEASE}-postgres`;
const CNPG = { group: 'postgresql.cnpg.io', version: 'v1', plural: 'clusters' };

// /architecture's kubernetes source (apps/storefront) reading a real API server, with the
// token of the ServiceAccount the storefront chart creates and its Role only. Pods run on
// kwok's simulated nodes: Running and Ready without an image. The database is a CloudNativePG
// Cluster (the real CRD) whose status the test writes as the operator would.
describe('/architecture kubernetes source against a real API server', () => {
  let cluster: Cluster;
  let charts: string;
  let ns: string;
  let asStorefront: k8s.KubeConfig;
  const read = () => readReleaseWorkloads(asStorefront, { namespace: ns, release: RELEASE });

  beforeAll(async () => {
    cluster = await startCluster(['cloudnativePg']);
    charts = await prepareCharts(cluster);
    ns = await createNamespace(cluster, 'arch');
    await mustRun(
      cluster,
      'helm',
      ['install', RELEASE, join(charts, 'storefront'), '-n', ns, '--wait', '--timeout', '3m'],
      { timeoutMs: 200_000 },
    );
    // A service as its chart labels it: one replica, an HPA whose minimum is two.
    await cluster.apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: `${RELEASE}-${SERVICE}`, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: SERVICE, image: `ha-shop/${SERVICE}:1.0.0` }] },
          },
        },
      },
    });
    await cluster.kc.makeApiClient(k8s.AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({
      namespace: ns,
      body: {
        metadata: { name: `${RELEASE}-${SERVICE}`, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${RELEASE}-${SERVICE}` },
          minReplicas: 2,
          maxReplicas: 4,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
            },
          ],
        },
      },
    });
    const token = await cluster.core.createNamespacedServiceAccountToken({
      name: `${RELEASE}-storefront`,
      namespace: ns,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const server = cluster.kc.getCurrentCluster()!;
    asStorefront = new k8s.KubeConfig();
    asStorefront.loadFromOptions({
      clusters: [{ ...server, name: 'test' }],
      users: [{ name: 'storefront', token: token.status!.token }],
      contexts: [{ name: 'storefront', cluster: 'test', user: 'storefront', namespace: ns }],
      currentContext: 'storefront',
    });
  });

  afterAll(async () => {
    await cluster?.stop();
    if (charts) rmSync(charts, { recursive: true, force: true });
  });

  const settled = (w: ReleaseWorkloads) => {
    const svc = w.services.find((s) => s.name === SERVICE);
    return (
      svc &&
      svc.replicasDesired === 2 &&
      svc.replicasReady === 2 &&
      svc.replicas.length === 2 &&
      svc.replicas.every((r) => r.ready && r.live) &&
      w.storefront !== null &&
      w
    );
  };

  it("shows each service's pods with ready/live and restarts, desired vs ready from the HPA, the storefront apart", async () => {
    const first = await read();
    // The HPA's minimum is what is desired, whatever the Deployment started with.
    const w = await waitFor(
      'product-service at 2/2 and the storefront ready',
      async () => settled(await read()),
      {
        timeoutMs: 120_000,
        intervalMs: 500,
      },
    );
    expect(w.services.map((s) => s.name)).toEqual([SERVICE]);
    const svc = w.services[0];
    expect(svc.state).toBe('running');
    expect(svc.breakers).toBeNull();
    const pods = (
      await cluster.core.listNamespacedPod({
        namespace: ns,
        labelSelector: 'app.kubernetes.io/name=product-service',
      })
    ).items;
    expect(svc.replicas.map((r) => r.id).sort()).toEqual(pods.map((p) => p.metadata!.name!).sort());
    for (const r of svc.replicas) {
      expect(r.state).toBe('running');
      expect(r.restarts).toBe(0);
      expect(r.uptimeSeconds).toBeGreaterThanOrEqual(0);
    }
    expect(w.storefront!.id).toMatch(new RegExp(`^${RELEASE}-storefront-`));
    expect(w.storefront!.ready).toBe(true);
    // Scaling is on the timeline, newest first.
    expect(w.timeline.some((e) => e.kind === 'scale' && e.service === SERVICE)).toBe(true);
    expect([...w.timeline].sort((a, b) => b.at.localeCompare(a.at)).map((e) => e.at)).toEqual(
      w.timeline.map((e) => e.at),
    );
    // Before the HPA acted, the Deployment's own count was the desired one.
    expect(first.services.find((s) => s.name === SERVICE)?.replicasDesired).toBeGreaterThanOrEqual(1);
  });

  it('drops a deleted pod and shows its replacement, whose creation is on the timeline', async () => {
    const before = settled(await read());
    expect(before).toBeTruthy();
    const victim = before && before.services[0].replicas[0].id;
    await cluster.core.deleteNamespacedPod({ name: victim as string, namespace: ns, gracePeriodSeconds: 0 });
    const after = await waitFor(
      'a replacement pod ready',
      async () => {
        const w = settled(await read());
        return w && !w.services[0].replicas.some((r) => r.id === victim) && w;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const replacement = after.services[0].replicas.find(
      (r) => !before || !before.services[0].replicas.some((b) => b.id === r.id),
    );
    expect(replacement).toBeDefined();
    expect(
      after.timeline.some(
        (e) => e.kind === 'replica-created' && e.service === SERVICE && e.message.includes(replacement!.id),
      ),
    ).toBe(true);
  });

  it("shows the release's CloudNativePG database: phase, ready of desired instances, primary, restarts", async () => {
    const custom = cluster.kc.makeApiClient(k8s.CustomObjectsApi);
    const dbLabels = { 'app.kubernetes.io/instance': RELEASE, 'app.kubernetes.io/name': 'postgres' };
    await custom.createNamespacedCustomObject({
      ...CNPG,
      namespace: ns,
      body: {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: DATABASE, labels: dbLabels },
        spec: { instances: 3, storage: { size: '1Gi' } },
      },
    });
    // Before the operator wrote a status.
    expect(await readReleaseDatabase(asStorefront, { namespace: ns, release: RELEASE })).toEqual({
      state: 'no status yet: 0/3 instances ready',
      restarts: 0,
    });
    // Its instance pods, labelled as CloudNativePG labels them.
    for (const i of [1, 2])
      await cluster.core.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name: `${DATABASE}-${i}`, labels: { 'cnpg.io/cluster': DATABASE, ...dbLabels } },
          spec: { containers: [{ name: 'postgres', image: 'ghcr.io/cloudnative-pg/postgresql:17' }] },
        },
      });
    const current = (await custom.getNamespacedCustomObject({ ...CNPG, namespace: ns, name: DATABASE })) as {
      status?: Record<string, unknown>;
    };
    await custom.replaceNamespacedCustomObjectStatus({
      ...CNPG,
      namespace: ns,
      name: DATABASE,
      body: {
        ...current,
        status: {
          instances: 3,
          readyInstances: 2,
          phase: 'Waiting for the instances to become active',
          currentPrimary: `${DATABASE}-1`,
        },
      },
    });
    expect(await readReleaseDatabase(asStorefront, { namespace: ns, release: RELEASE })).toEqual({
      state: `Waiting for the instances to become active: 2/3 instances ready, primary ${DATABASE}-1`,
      restarts: 0,
    });
    // The database's pods are not a service of the map.
    expect((await read()).services.map((s) => s.name)).toEqual([SERVICE]);
    // A release without a Cluster (an external database) has no database row.
    expect(await readReleaseDatabase(asStorefront, { namespace: ns, release: 'other' })).toBeNull();
  });

  it("reads with the storefront's token only: it may not change anything or read Secrets", async () => {
    const core = asStorefront.makeApiClient(k8s.CoreV1Api);
    const pod = (await read()).services[0].replicas[0].id;
    await expect(core.deleteNamespacedPod({ name: pod, namespace: ns })).rejects.toMatchObject({ code: 403 });
    await expect(core.listNamespacedSecret({ namespace: ns })).rejects.toMatchObject({ code: 403 });
    const canI = async (verb: string, resource: string) =>
      (
        await runTool(cluster, 'kubectl', [
          ...['auth', 'can-i', verb, resource, '-n', ns],
          `--as=system:serviceaccount:${ns}:${RELEASE}-storefront`,
        ])
      ).stdout.trim();
    expect(await canI('list', 'clusters.postgresql.cnpg.io')).toBe('yes');
    expect(await canI('watch', 'clusters.postgresql.cnpg.io')).toBe('yes');
    for (const verb of ['create', 'patch', 'delete'])
      expect(await canI(verb, 'clusters.postgresql.cnpg.io')).toBe('no');
    expect(await canI('list', 'backups.postgresql.cnpg.io')).toBe('no');
    // Another namespace is out of reach too: the Role is the release namespace's.
    await expect(
      readReleaseWorkloads(asStorefront, { namespace: 'default', release: RELEASE }),
    ).rejects.toMatchObject({ code: 403 });
  });
});
