// Over 250 lines: install, upgrade, rollback and uninstall of one release on one control plane; each step starts from the last one's state.
import * as k8s from '@kubernetes/client-node';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@ha-shop/k8s-harness';
import { prepareCharts, VARIANTS } from './support/charts';
import { Cluster, createNamespace, startCluster } from './support/cluster';
import { watchRollout, worstHeadroom } from './support/rollout';
import { SERVICES, WORKLOADS } from './support/paths';
import { mustRun, runTool } from './support/tools';

const RELEASE = 'shop';
const deploymentName = (svc: string) => `${RELEASE}-${svc}`;

// install -> upgrade -> rollback -> uninstall of the umbrella chart, in that order, on one
// control plane. Pods run on kwok's simulated nodes: they become Running and Ready without
// running the image, which is what the rollout machinery needs.
describe('ha-shop release lifecycle', () => {
  let cluster: Cluster;
  let charts: string;
  let ns: string;
  let secretsAtInstall: Record<string, string> | undefined;

  const helm = (args: string[]) =>
    mustRun(cluster, 'helm', [...args, '--namespace', ns], { timeoutMs: 300_000 });

  beforeAll(async () => {
    cluster = await startCluster(['istio', 'prometheusOperator', 'cloudnativePg']);
    charts = await prepareCharts(cluster);
    ns = await createNamespace(cluster, 'shop');
  });

  afterAll(async () => {
    await cluster?.stop();
    if (charts) rmSync(charts, { recursive: true, force: true });
  });

  async function deployments(): Promise<k8s.V1Deployment[]> {
    return (await cluster.apps.listNamespacedDeployment({ namespace: ns })).items;
  }

  /** Every Deployment fully rolled out to `tag`: all replicas updated, ready, and no old pods left. */
  async function rolledOutTo(tag: string): Promise<void> {
    await waitFor(
      `every Deployment rolled out to ${tag}`,
      async () => {
        const all = await deployments();
        if (all.length !== WORKLOADS.length) return false;
        const pods = (await cluster.core.listNamespacedPod({ namespace: ns })).items.filter((p) =>
          ['service', 'frontend'].includes(p.metadata?.labels?.['app.kubernetes.io/component'] ?? ''),
        );
        return (
          all.every((d) => {
            const s = d.status ?? {};
            const want = d.spec?.replicas ?? 0;
            return (
              want >= 2 &&
              (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
              s.updatedReplicas === want &&
              s.readyReplicas === want &&
              s.replicas === want &&
              d.spec?.template.spec?.containers[0].image?.endsWith(`:${tag}`)
            );
          }) &&
          pods.length === WORKLOADS.length * 2 &&
          pods.every((p) => p.spec?.containers[0].image?.endsWith(`:${tag}`) && p.status?.phase === 'Running')
        );
      },
      { timeoutMs: 240_000, intervalMs: 500 },
    );
  }

  async function sharedSecret(): Promise<Record<string, string> | undefined> {
    const s = await cluster.core.readNamespacedSecret({ name: `${RELEASE}-secrets`, namespace: ns });
    return s.data;
  }

  it('installs: every Deployment gets Running, Ready pods, with HPAs, PDBs, NetworkPolicies and the CRD kinds', async () => {
    await helm([
      'install',
      RELEASE,
      join(charts, 'ha-shop'),
      '--set',
      'global.image.tag=1.0.0',
      '--wait',
      '--timeout',
      '4m',
    ]);
    // The HPAs (minReplicas 2) own the replica count; the Deployments start at one.
    await rolledOutTo('1.0.0');
    const pods = (await cluster.core.listNamespacedPod({ namespace: ns })).items;
    for (const svc of WORKLOADS) {
      const mine = pods.filter((p) => p.metadata?.labels?.['app.kubernetes.io/name'] === svc);
      expect(mine, svc).toHaveLength(2);
      for (const p of mine) {
        expect(cluster.cp.nodeNames).toContain(p.spec?.nodeName);
        expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      }
    }
    const count = async (resource: string) =>
      (
        JSON.parse(await mustRun(cluster, 'kubectl', ['get', resource, '-n', ns, '-o', 'json'])) as {
          items: unknown[];
        }
      ).items.length;
    expect(await count('horizontalpodautoscalers')).toBe(WORKLOADS.length);
    expect(await count('poddisruptionbudgets')).toBe(WORKLOADS.length);
    // One per workload, the namespace's default deny, the shared egress and the database's.
    expect(await count('networkpolicies')).toBe(WORKLOADS.length + 3);
    // The storefront has no /metrics.
    expect(await count('servicemonitors.monitoring.coreos.com')).toBe(SERVICES.length);
    expect(await count('prometheusrules.monitoring.coreos.com')).toBe(1);
    expect(await count('destinationrules.networking.istio.io')).toBe(WORKLOADS.length);
    expect(await count('authorizationpolicies.security.istio.io')).toBe(WORKLOADS.length);
    // Only the storefront reads the API, with a token of its own and a read-only Role.
    expect(await count('roles')).toBe(1);
    const sf = await cluster.apps.readNamespacedDeployment({
      name: deploymentName('storefront'),
      namespace: ns,
    });
    expect(sf.spec?.template.spec?.automountServiceAccountToken).toBe(true);
    const canI = (verb: string, resource: string) =>
      runTool(cluster, 'kubectl', [
        'auth',
        'can-i',
        verb,
        resource,
        '-n',
        ns,
        `--as=system:serviceaccount:${ns}:${deploymentName('storefront')}`,
      ]);
    expect((await canI('list', 'pods')).stdout.trim()).toBe('yes');
    expect((await canI('list', 'horizontalpodautoscalers.autoscaling')).stdout.trim()).toBe('yes');
    expect((await canI('delete', 'pods')).stdout.trim()).toBe('no');
    expect((await canI('get', 'secrets')).stdout.trim()).toBe('no');
    expect(await count('clusters.postgresql.cnpg.io')).toBe(1);
    expect(await count('databases.postgresql.cnpg.io')).toBe(SERVICES.length);
    secretsAtInstall = await sharedSecret();
    expect(Object.keys(secretsAtInstall ?? {}).sort()).toEqual([
      'fault-injection-secret',
      'internal-token',
      'jwt-key-encryption-secret',
      'payment-data-key',
    ]);
  });

  it('upgrades with a changed value: every Deployment rolls, never below its desired ready count', async () => {
    const before = new Map((await deployments()).map((d) => [d.metadata!.name!, d.metadata!.generation!]));
    const watch = await watchRollout(cluster.kc, ns);
    try {
      await helm([
        'upgrade',
        RELEASE,
        join(charts, 'ha-shop'),
        '--reuse-values',
        '--set',
        'global.image.tag=1.1.0',
        '--wait',
        '--timeout',
        '4m',
      ]);
      await rolledOutTo('1.1.0');
    } finally {
      watch.stop();
    }
    for (const d of await deployments())
      expect(d.metadata!.generation!).toBeGreaterThan(before.get(d.metadata!.name!)!);
    const worst = worstHeadroom(watch.samples);
    for (const svc of WORKLOADS) {
      expect(worst[deploymentName(svc)], `${svc} ready replicas dropped below desired`).toBe(0);
      // The watch saw the rollout itself, not just the state before and after.
      expect(watch.samples.filter((s) => s.name === deploymentName(svc)).length, svc).toBeGreaterThan(3);
    }
    // The pre-upgrade hooks ran one migration Job per service to completion.
    for (const svc of SERVICES)
      expect(watch.jobs.get(`${deploymentName(svc)}-migrate`)?.succeeded, svc).toBe(true);
    // Secrets are looked up, not regenerated, on upgrade.
    expect(await sharedSecret()).toEqual(secretsAtInstall);
  });

  it('rolls back to the previous revision the same way', async () => {
    const watch = await watchRollout(cluster.kc, ns);
    try {
      await helm(['rollback', RELEASE, '1', '--wait', '--timeout', '4m']);
      await rolledOutTo('1.0.0');
    } finally {
      watch.stop();
    }
    const worst = worstHeadroom(watch.samples);
    for (const svc of WORKLOADS)
      expect(worst[deploymentName(svc)], `${svc} ready replicas dropped below desired`).toBe(0);
    const history = JSON.parse(await helm(['history', RELEASE, '-o', 'json'])) as {
      revision: number;
      status: string;
    }[];
    expect(history.map((h) => h.revision)).toEqual([1, 2, 3]);
    expect(history.at(-1)?.status).toBe('deployed');
    expect(await sharedSecret()).toEqual(secretsAtInstall);
  });

  it('uninstalls without leaving anything behind but the namespace defaults', async () => {
    await helm(['uninstall', RELEASE, '--wait', '--timeout', '4m']);
    const kinds = (
      await mustRun(cluster, 'kubectl', [
        'api-resources',
        '--verbs=list,delete',
        '--namespaced',
        '-o',
        'name',
      ])
    )
      .split('\n')
      .filter((k) => k && !k.startsWith('events'));
    // Documented survivors (docs/kubernetes.md): CRDs are cluster-scoped, PVCs come only
    // from CloudNativePG's instances, which do not run here; what a namespace always has.
    const expected = ['configmap/kube-root-ca.crt', 'serviceaccount/default'];
    await waitFor(
      'only the namespace defaults left',
      async () => {
        const out = await mustRun(cluster, 'kubectl', [
          'get',
          kinds.join(','),
          '-n',
          ns,
          '-o',
          'name',
          '--ignore-not-found',
        ]);
        const left = out
          .split('\n')
          .filter(Boolean)
          .map((l) => l.replace(/^([a-z]+)(\.[a-z0-9.-]+)?\//, '$1/'))
          .sort();
        return JSON.stringify(left) === JSON.stringify(expected) ? left : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    ).catch(async (err: Error) => {
      const out = await mustRun(cluster, 'kubectl', [
        'get',
        kinds.join(','),
        '-n',
        ns,
        '-o',
        'name',
        '--ignore-not-found',
      ]);
      throw new Error(`${err.message}; left: ${out}`);
    });
  });
  it('installs with every integration off and an external database: migrations run before install', async () => {
    const bare = await createNamespace(cluster, 'bare');
    // Stands in for a database made outside the chart; the URLs never reach a values file.
    await cluster.core.createNamespacedSecret({
      namespace: bare,
      body: {
        metadata: { name: 'shop-database-urls' },
        stringData: Object.fromEntries(
          SERVICES.map((svc) => [
            svc,
            `postgresql://${svc.replace(/-/g, '_')}:x@db.example:5432/${svc.replace(/-/g, '_')}`,
          ]),
        ),
      },
    });
    const watch = await watchRollout(cluster.kc, bare);
    try {
      await mustRun(
        cluster,
        'helm',
        [
          'install',
          'bare',
          join(charts, 'ha-shop'),
          '--namespace',
          bare,
          ...VARIANTS.minimal,
          '--wait',
          '--timeout',
          '4m',
        ],
        { timeoutMs: 300_000 },
      );
    } finally {
      watch.stop();
    }
    for (const svc of SERVICES) {
      const job = watch.jobs.get(`bare-${svc}-migrate`);
      expect(job?.succeeded, svc).toBe(true);
      // pre-install: the schema is in place before the first pod of the service exists.
      const created = (await cluster.apps.readNamespacedDeployment({ name: `bare-${svc}`, namespace: bare }))
        .metadata?.creationTimestamp;
      expect(job!.completedAt!.getTime(), svc).toBeLessThanOrEqual(new Date(created!).getTime());
    }
    const d = await cluster.apps.readNamespacedDeployment({ name: 'bare-checkout-service', namespace: bare });
    const env = d.spec?.template.spec?.containers[0].env ?? [];
    expect(env.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: 'shop-database-urls',
      key: 'checkout-service',
    });
    expect(env.find((e) => e.name === 'DB_MIGRATE_ON_START')?.value).toBe('false');
    await waitFor('bare Deployments ready', async () => {
      const all = (await cluster.apps.listNamespacedDeployment({ namespace: bare })).items;
      return all.length === WORKLOADS.length && all.every((x) => (x.status?.readyReplicas ?? 0) >= 1);
    });
    const crdKinds = [
      'virtualservices.networking.istio.io',
      'servicemonitors.monitoring.coreos.com',
      'clusters.postgresql.cnpg.io',
    ];
    const out = await mustRun(cluster, 'kubectl', [
      'get',
      [...crdKinds, 'networkpolicies'].join(','),
      '-n',
      bare,
      '-o',
      'name',
    ]);
    expect(out.trim()).toBe('');
    await mustRun(cluster, 'helm', ['uninstall', 'bare', '--namespace', bare, '--wait'], {
      timeoutMs: 300_000,
    });
  });
});
