import type { V1CustomResourceDefinition } from '@kubernetes/client-node';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPlane, startControlPlane, waitFor } from '../src';
import {
  Clients,
  clients,
  createNamespace,
  deployment,
  errorMessage,
  runningPods,
  statusOf,
  tool,
  watchPods,
} from './support';

const group = 'harness.ha-shop.dev';
const crdName = `widgets.${group}`;
const widgets = { group, version: 'v1', plural: 'widgets' };

describe('k8s control plane', () => {
  let cp: ControlPlane;
  let c: Clients;
  let ns: string;

  beforeAll(async () => {
    cp = await startControlPlane({ log: (m) => console.log(`k8s-harness: ${m}`) });
    c = clients(cp);
    ns = await createNamespace(c, 'harness');
  });

  afterAll(async () => {
    // A local control plane is discarded whole; a shared cluster is cleaned up.
    if (cp?.external) {
      await c.apiext.deleteCustomResourceDefinition({ name: crdName }).catch(() => undefined);
      await c.core.deleteNamespace({ name: ns }).catch(() => undefined);
    }
    await cp?.stop();
  });

  it('starts quickly with a kubeconfig that kubectl accepts', async () => {
    if (!cp.external) expect(cp.startupMs).toBeLessThan(30_000);
    const out = await tool(cp, 'kubectl', ['get', 'nodes', '-o', 'name']);
    expect(out).toContain('node/');
    for (const node of cp.nodeNames) expect(out).toContain(`node/${node}`);
  });

  it('runs the 2 replicas of a Deployment on simulated nodes', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', 2) });
    const pods = await waitFor('2 running web pods', async () => {
      const running = await runningPods(c, ns, 'web');
      return running.length === 2 ? running : undefined;
    });
    for (const pod of pods) {
      expect(pod.spec?.nodeName).toBeTruthy();
      if (!cp.external) expect(cp.nodeNames).toContain(pod.spec?.nodeName);
    }
    await waitFor('deployment available', async () => {
      const d = await c.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      return d.status?.availableReplicas === 2;
    });
  });

  it('replaces a deleted pod through the ReplicaSet controller', async () => {
    const [victim, survivor] = await runningPods(c, ns, 'web');
    await c.core.deleteNamespacedPod({ name: victim.metadata!.name!, namespace: ns });
    const after = await waitFor('a replacement pod', async () => {
      const running = await runningPods(c, ns, 'web');
      const names = running.map((p) => p.metadata?.name);
      return running.length === 2 && !names.includes(victim.metadata?.name) ? names : undefined;
    });
    expect(after).toContain(survivor.metadata?.name);
  });

  it('streams the delete and the re-create to a pod watch', async () => {
    const before = await runningPods(c, ns, 'web');
    const victim = before[0].metadata!.name!;
    const watch = await watchPods(c, ns, 'app=web');
    try {
      await c.core.deleteNamespacedPod({ name: victim, namespace: ns });
      await waitFor('DELETED and ADDED events', () => {
        const deleted = watch.events.some((e) => e.type === 'DELETED' && e.name === victim);
        const added = watch.events.some(
          (e) => e.type === 'ADDED' && !before.some((p) => p.metadata?.name === e.name),
        );
        return deleted && added;
      });
      expect(watch.error()).toBeUndefined();
    } finally {
      watch.stop();
    }
  });

  it('installs a CRD whose schema rejects invalid custom resources', async () => {
    await c.apiext.createCustomResourceDefinition({ body: widgetCrd() });
    await waitFor('CRD established', async () => {
      const crd = await c.apiext.readCustomResourceDefinition({ name: crdName });
      return crd.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True');
    });
    const create = (name: string, spec: object, fieldValidation?: string) =>
      c.custom.createNamespacedCustomObject({
        ...widgets,
        namespace: ns,
        fieldValidation,
        body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name }, spec },
      });
    // The REST endpoint can lag the Established condition by a moment.
    await waitFor('a valid widget', () => create('good', { size: 3, color: 'red' }).then(() => true));

    const wrongType = await create('bad-type', { size: 'huge', color: 'red' }).catch((e: unknown) => e);
    expect(wrongType).toMatchObject({ code: 422 });
    expect(errorMessage(wrongType)).toContain('spec.size');

    const outOfEnum = await create('bad-enum', { size: 3, color: 'purple' }).catch((e: unknown) => e);
    expect(outOfEnum).toMatchObject({ code: 422 });
    expect(errorMessage(outOfEnum)).toContain('spec.color');

    const unknownField = await create('bad-field', { size: 3, flavor: 'x' }, 'Strict').catch(
      (e: unknown) => e,
    );
    // Strict field validation answers 400 (a decoding error), not 422.
    expect(unknownField).toMatchObject({ code: 400 });
    expect(errorMessage(unknownField)).toContain('unknown field "spec.flavor"');
  });

  it('rejects a status update carrying a stale resourceVersion', async () => {
    const read = () => c.custom.getNamespacedCustomObject({ ...widgets, namespace: ns, name: 'good' });
    const replaceStatus = (body: unknown) =>
      c.custom.replaceNamespacedCustomObjectStatus({ ...widgets, namespace: ns, name: 'good', body });
    const stale = (await read()) as Widget;
    const fresh = (await replaceStatus({ ...stale, status: { phase: 'Ready', observed: 1 } })) as Widget;
    expect(fresh.metadata.resourceVersion).not.toBe(stale.metadata.resourceVersion);
    expect(fresh.status?.phase).toBe('Ready');

    expect(await statusOf(replaceStatus({ ...stale, status: { phase: 'Failed', observed: 2 } }))).toBe(409);
    expect(((await read()) as Widget).status?.phase).toBe('Ready');
  });

  it('restarts the API server on its port with the data kept', async () => {
    if (cp.external) return;
    await c.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'kept' }, data: { a: '1' } },
    });
    await cp.restartApiServer();
    const cm = await c.core.readNamespacedConfigMap({ name: 'kept', namespace: ns });
    expect(cm.data).toEqual({ a: '1' });
    expect(await tool(cp, 'kubectl', ['get', 'nodes', '-o', 'name'])).toContain('node/');
  });

  it('helm installs a chart and helm uninstall removes it', async () => {
    const chart = join(__dirname, 'fixtures/hello-chart');
    await tool(cp, 'helm', ['install', 'demo', chart, '-n', ns, '--wait', '--timeout', '90s']);
    const releases = JSON.parse(await tool(cp, 'helm', ['list', '-n', ns, '-o', 'json'])) as {
      name: string;
      status: string;
    }[];
    expect(releases).toEqual([expect.objectContaining({ name: 'demo', status: 'deployed' })]);
    const d = await c.apps.readNamespacedDeployment({ name: 'demo-hello', namespace: ns });
    expect(d.status?.readyReplicas).toBe(2);
    const svc = await c.core.readNamespacedService({ name: 'demo-hello', namespace: ns });
    expect(svc.spec?.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    await tool(cp, 'helm', ['uninstall', 'demo', '-n', ns, '--wait', '--timeout', '90s']);
    expect(await statusOf(c.apps.readNamespacedDeployment({ name: 'demo-hello', namespace: ns }))).toBe(404);
    expect(await statusOf(c.core.readNamespacedService({ name: 'demo-hello', namespace: ns }))).toBe(404);
    expect(await statusOf(c.core.readNamespacedConfigMap({ name: 'demo-hello', namespace: ns }))).toBe(404);
    const secrets = await c.core.listNamespacedSecret({ namespace: ns, labelSelector: 'owner=helm' });
    expect(secrets.items).toHaveLength(0);
    await waitFor('chart pods gone', async () => {
      const pods = await c.core.listNamespacedPod({
        namespace: ns,
        labelSelector: 'app.kubernetes.io/instance=demo',
      });
      return pods.items.length === 0;
    });
  });
});

interface Widget {
  metadata: { name: string; resourceVersion: string };
  status?: { phase?: string; observed?: number };
}

// Typed so that client-node's renamed fields (`_enum` for `enum`) are caught:
// its serializer silently drops properties it does not know.
function widgetCrd(): V1CustomResourceDefinition {
  return {
    metadata: { name: crdName },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['size'],
                  properties: {
                    size: { type: 'integer', minimum: 1, maximum: 10 },
                    color: { type: 'string', _enum: ['red', 'green', 'blue'] },
                  },
                },
                status: {
                  type: 'object',
                  properties: { phase: { type: 'string' }, observed: { type: 'integer' } },
                },
              },
            },
          },
        },
      ],
    },
  };
}
