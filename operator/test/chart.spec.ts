import * as k8s from '@kubernetes/client-node';
import { crdYaml } from '@ha-shop/chaos-scenario';
import { waitEstablished } from '@ha-shop/k8s-harness';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosOperator } from '../src';
import { crdSuite } from './crd-suite';
import {
  Cluster,
  completed,
  createDeployment,
  createNamespace,
  createScenario,
  scenario,
  startCluster,
  startOperator,
  waitFor,
  waitForScenario,
} from './support';

const run = promisify(execFile);
const CHARTS = join(__dirname, '../../charts');
const RELEASE = 'chaos';
const SYSTEM = 'chaos-system';
const SA = `system:serviceaccount:${SYSTEM}:${RELEASE}-chaos-operator`;

// One control plane for the chart and the CRD: the chart installs the CRD (from crds/, the
// same generated file), then both suites run against it.
describe('the chaos-operator chart and the ChaosScenario CRD', () => {
  let c: Cluster;
  let dir: string;
  let target: string;
  let op: ChaosOperator | undefined;
  let crdNamespace: string;

  const helm = async (args: string[]) => {
    try {
      return (await run(c.cp.bin('helm'), args, { env: c.cp.env, timeout: 180_000 })).stdout;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `helm ${args.join(' ')} failed: ${[e.stdout, e.stderr].filter(Boolean).join('\n') || e.message}`,
      );
    }
  };
  const canI = async (verb: string, resource: string, namespace: string, name?: string) => {
    const out = await run(
      c.cp.bin('kubectl'),
      ['auth', 'can-i', verb, name ? `${resource}/${name}` : resource, '-n', namespace, `--as=${SA}`],
      { env: c.cp.env },
    ).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
    return out.stdout.trim() === 'yes';
  };

  beforeAll(async () => {
    c = await startCluster({ crd: false, chaosMesh: true });
    target = await createNamespace(c, 'shop');
    await c.core.createNamespace({ body: { metadata: { name: SYSTEM } } });
    // A copy, so the dependency build never writes archives into the working tree.
    dir = mkdtempSync(join(tmpdir(), 'chaos-chart-'));
    for (const chart of ['chaos-operator', 'ha-shop-lib', 'schema']) {
      cpSync(join(CHARTS, chart), join(dir, chart), {
        recursive: true,
        filter: (src) => !/\/(charts|Chart\.lock)$/.test(src),
      });
    }
    await helm(['dependency', 'build', join(dir, 'chaos-operator'), '--skip-refresh']);
    await helm([
      'install',
      RELEASE,
      join(dir, 'chaos-operator'),
      '-n',
      SYSTEM,
      '--set-json',
      `targetNamespaces=["${target}"]`,
      '--wait',
      '--timeout',
      '150s',
    ]);
    await waitEstablished(c.cp, ['crd/chaosscenarios.chaos.ha-shop.dev'], 60_000);
    crdNamespace = await createNamespace(c, 'crd');
  });
  afterAll(async () => {
    await op?.stop();
    await c?.cp.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('charts/chaos-operator', () => {
    it('ships the generated CRD and a current values schema, and lints clean under --strict', async () => {
      expect(readFileSync(join(CHARTS, 'chaos-operator/crds/chaosscenario-crd.yaml'), 'utf8')).toBe(
        crdYaml(),
      );
      await run('node', [join(CHARTS, 'chaos-operator/schema.mjs'), '--check']);
      const out = await helm(['lint', '--strict', join(dir, 'chaos-operator')]);
      expect(out).toContain('0 chart(s) failed');
      await expect(
        helm(['lint', '--strict', join(dir, 'chaos-operator'), '--set', 'replicas=3']),
      ).rejects.toThrow("additional properties 'replicas' not allowed");
    });

    it('installs: CRD, two hardened replicas, metrics Service, PDB', async () => {
      const d = await c.apps.readNamespacedDeployment({
        name: `${RELEASE}-chaos-operator`,
        namespace: SYSTEM,
      });
      expect(d.spec?.replicas).toBe(2);
      expect(d.status?.readyReplicas).toBe(2);
      const pod = d.spec!.template.spec!;
      expect(pod.automountServiceAccountToken).toBe(true);
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.containers[0].securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(pod.containers[0].readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(pod.containers[0].livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(pod.containers[0].env).toEqual(
        expect.arrayContaining([
          { name: 'WATCH_NAMESPACES', value: target },
          {
            name: 'POD_NAMESPACE',
            valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } },
          },
        ]),
      );
      const svc = await c.core.readNamespacedService({
        name: `${RELEASE}-chaos-operator`,
        namespace: SYSTEM,
      });
      expect(svc.spec?.ports?.map((p) => p.port)).toEqual([8080]);
      await c.custom
        .getNamespacedCustomObject({
          group: 'policy',
          version: 'v1',
          plural: 'poddisruptionbudgets',
          namespace: SYSTEM,
          name: `${RELEASE}-chaos-operator`,
        })
        .catch(() => expect.fail('no PodDisruptionBudget'));
    });

    it('grants least privilege: what the operator uses in the target namespaces, nothing else', async () => {
      expect(await canI('delete', 'pods', target)).toBe(true);
      expect(await canI('create', 'networkchaos.chaos-mesh.org', target)).toBe(true);
      expect(await canI('update', 'chaosscenarios.chaos.ha-shop.dev/status', target)).toBe(true);
      expect(await canI('create', 'events', target)).toBe(true);
      expect(await canI('update', 'leases.coordination.k8s.io', SYSTEM, 'chaos-operator-leader')).toBe(true);

      expect(await canI('delete', 'pods', 'default')).toBe(false);
      expect(await canI('get', 'secrets', target)).toBe(false);
      expect(await canI('delete', 'deployments.apps', target)).toBe(false);
      expect(await canI('create', 'iochaos.chaos-mesh.org', target)).toBe(false);
      expect(await canI('update', 'leases.coordination.k8s.io', SYSTEM, 'someone-else')).toBe(false);
      expect(await canI('list', 'chaosscenarios.chaos.ha-shop.dev', 'default')).toBe(false);
    });

    it('is enough: an operator holding only the chart ServiceAccount token runs a scenario to Passed', async () => {
      const { stdout } = await run(
        c.cp.bin('kubectl'),
        ['create', 'token', `${RELEASE}-chaos-operator`, '-n', SYSTEM],
        {
          env: c.cp.env,
        },
      );
      const cluster = c.kc.getCurrentCluster() as k8s.Cluster;
      const kc = new k8s.KubeConfig();
      kc.loadFromOptions({
        clusters: [cluster],
        users: [{ name: 'operator', token: stdout.trim() }],
        contexts: [{ name: 'operator', cluster: cluster.name, user: 'operator' }],
        currentContext: 'operator',
      });
      await createDeployment(c, target, 'web', 2);
      op = await startOperator({ ...c, kc }, 'op-chart', {
        leaseNamespace: SYSTEM,
        watchNamespaces: [target],
      });
      await waitFor('leadership', () => op?.isLeader);
      await createScenario(
        c,
        scenario('with-chart-rbac', target, {
          target: {
            namespace: target,
            selector: { matchLabels: { app: 'web' } },
            workload: { kind: 'Deployment', name: 'web' },
          },
          steps: [
            { name: 'kill', action: 'pod-delete', mode: 'one', gracePeriodSeconds: 0 },
            {
              name: 'slow',
              action: 'network-delay',
              mode: 'all',
              duration: '1s',
              network: { latency: '100ms' },
            },
          ],
        }),
      );
      const done = await waitForScenario(c, target, 'with-chart-rbac', 'completed', completed);
      expect(done.status).toMatchObject({ verdict: 'Passed', reason: 'AllStepsRecovered' });
    });
  });

  crdSuite(() => ({ c, ns: crdNamespace }));
});
