import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCharts } from './support/charts';
import { Cluster, startCluster } from './support/cluster';
import { K8S_DIR, REPO_ROOT, WORKLOADS } from './support/paths';
import { mustRun } from './support/tools';

const SCRIPT = join(K8S_DIR, 'scripts/bootstrap.mjs');

/** Runs the bootstrap script to its end with the control plane's kubectl and helm first on PATH. */
function bootstrap(cluster: Cluster, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { cwd: REPO_ROOT, env: cluster.env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 280_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

// `make demo-cluster`'s script in its kubeconfig mode: every step except creating the k3d
// cluster, pulling the third-party charts and importing images, against a real control plane
// with the third-party CRDs (their operators cannot run here).
describe('bootstrap script against an existing kubeconfig', () => {
  let cluster: Cluster;
  let charts: string;

  beforeAll(async () => {
    cluster = await startCluster(['istio', 'prometheusOperator', 'cloudnativePg', 'chaosMesh']);
    charts = await prepareCharts(cluster);
  });

  afterAll(async () => {
    await cluster?.stop();
    if (charts) rmSync(charts, { recursive: true, force: true });
  });

  const upArgs = () => [
    'up',
    '--existing-kubeconfig',
    cluster.cp.kubeconfigPath,
    '--env',
    'dev',
    '--charts-dir',
    charts,
    '--timeout',
    '4m',
  ];

  it('runs to the end: namespaces, CRD check, the shop installed and ready, URLs printed', async () => {
    const r = await bootstrap(cluster, upArgs());
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('skipped: cluster creation (existing kubeconfig)');
    expect(r.output).toContain('skipped: building and importing images (existing kubeconfig)');
    expect(r.output).toMatch(/skipped: pulling kube-prometheus-stack/);
    expect(r.output).toContain('all 12 present');
    for (const name of ['shop', 'grafana', 'jaeger', 'chaos-mesh'])
      expect(r.output).toMatch(new RegExp(`^\\s+${name}\\s+kubectl port-forward`, 'm'));
    expect(r.output.trim().endsWith('bootstrap: done')).toBe(true);

    const releases = JSON.parse(await mustRun(cluster, 'helm', ['list', '-n', 'ha-shop', '-o', 'json'])) as {
      name: string;
      status: string;
      revision: string;
    }[];
    expect(releases).toEqual([expect.objectContaining({ name: 'ha-shop', status: 'deployed' })]);
    for (const svc of WORKLOADS) {
      const d = await cluster.apps.readNamespacedDeployment({ name: `ha-shop-${svc}`, namespace: 'ha-shop' });
      expect(d.status?.readyReplicas, svc).toBeGreaterThanOrEqual(1);
      expect(d.spec?.template.spec?.containers[0].image).toBe(`ha-shop/${svc}:dev`);
    }
    const ns = await cluster.core.readNamespace({ name: 'ha-shop' });
    expect(ns.metadata?.labels?.['istio-injection']).toBe('enabled');
  });

  it('is safe to run again: the second run upgrades the same release in place', async () => {
    const r = await bootstrap(cluster, upArgs());
    expect(r.code, r.output).toBe(0);
    const releases = JSON.parse(await mustRun(cluster, 'helm', ['list', '-n', 'ha-shop', '-o', 'json'])) as {
      name: string;
      revision: string;
    }[];
    expect(releases).toHaveLength(1);
    expect(Number(releases[0].revision)).toBe(2);
  });

  it('fails clearly when a required CRD is missing', async () => {
    await mustRun(cluster, 'kubectl', ['delete', 'crd', 'podchaos.chaos-mesh.org', '--wait=true']);
    const r = await bootstrap(cluster, upArgs());
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/the cluster lacks podchaos\.chaos-mesh\.org/);
  });

  it('down in kubeconfig mode uninstalls the shop and keeps the cluster', async () => {
    const r = await bootstrap(cluster, ['down', '--existing-kubeconfig', cluster.cp.kubeconfigPath]);
    expect(r.code, r.output).toBe(0);
    expect(JSON.parse(await mustRun(cluster, 'helm', ['list', '-n', 'ha-shop', '-o', 'json']))).toEqual([]);
    await mustRun(cluster, 'kubectl', ['get', 'namespace', 'ha-shop']);
  });
});
