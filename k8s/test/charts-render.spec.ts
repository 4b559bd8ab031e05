import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifests, prepareCharts, render, VARIANTS } from './support/charts';
import { Cluster, createNamespace, serverDryRun, startCluster } from './support/cluster';
import { CHARTS, CHARTS_DIR, ENVIRONMENTS, environmentValues, REPO_ROOT, WORKLOADS } from './support/paths';
import { runTool } from './support/tools';

// Lint, schema and render checks, each rendered stream dry-run on the server (admission,
// the real third-party CRD schemas, strict field validation) of one control plane.
describe('charts: lint, schema, render and server-side dry-run', () => {
  let cluster: Cluster;
  let charts: string;
  let namespace: string;

  beforeAll(async () => {
    cluster = await startCluster(['istio', 'prometheusOperator', 'cloudnativePg']);
    charts = await prepareCharts(cluster);
    namespace = await createNamespace(cluster, 'render');
  });

  afterAll(async () => {
    await cluster?.stop();
    if (charts) rmSync(charts, { recursive: true, force: true });
  });

  it('lints every chart strictly', async () => {
    for (const chart of CHARTS) {
      const r = await runTool(cluster, 'helm', ['lint', '--strict', join(charts, chart)]);
      expect(r.code, `${chart}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('0 chart(s) failed');
    }
  });

  for (const [variant, args] of Object.entries(VARIANTS)) {
    it(`renders the ${variant} values and the server accepts every object`, async () => {
      const lint = await runTool(cluster, 'helm', ['lint', '--strict', join(charts, 'ha-shop'), ...args]);
      expect(lint.code, lint.stdout + lint.stderr).toBe(0);
      const r = await render(cluster, join(charts, 'ha-shop'), ['--namespace', namespace, ...args]);
      expect(r.code, r.stderr).toBe(0);
      const objects = parseManifests(r.stdout);
      expect(objects.filter((o) => o.kind === 'Deployment')).toHaveLength(WORKLOADS.length);
      await serverDryRun(cluster, namespace, r.stdout);
    });
  }

  it('has teeth: the dry-run rejects a field the real CRD schema does not know', async () => {
    const bad = [
      'apiVersion: networking.istio.io/v1',
      'kind: DestinationRule',
      'metadata: { name: typo }',
      'spec:',
      '  host: x',
      '  trafficPolicy: { outlierDetection: { consecutive5xx: 5 } }',
    ].join('\n');
    await expect(serverDryRun(cluster, namespace, bad)).rejects.toThrow(/consecutive5xx/);
  });

  it('leaves out each integration that is switched off', async () => {
    const kinds = async (args: string[]) => {
      const r = await render(cluster, join(charts, 'ha-shop'), args);
      expect(r.code, r.stderr).toBe(0);
      return new Set(parseManifests(r.stdout).map((o) => o.kind));
    };
    const all = await kinds(VARIANTS.default);
    for (const kind of [
      'VirtualService',
      'DestinationRule',
      'AuthorizationPolicy',
      'PeerAuthentication',
      'Gateway',
    ]) {
      expect(all).toContain(kind);
      expect(await kinds(VARIANTS['no-istio'])).not.toContain(kind);
    }
    for (const kind of ['ServiceMonitor', 'PrometheusRule']) {
      expect(all).toContain(kind);
      expect(await kinds(VARIANTS['no-monitoring'])).not.toContain(kind);
    }
    expect(all).toContain('Cluster');
    expect(await kinds(VARIANTS['external-database'])).not.toContain('Cluster');
    const minimal = await kinds(VARIANTS.minimal);
    expect(minimal).not.toContain('NetworkPolicy');
    // Only built-in kinds: the chart installs on a bare cluster with an external database.
    expect([...minimal].sort()).toEqual([
      'Deployment',
      'HorizontalPodAutoscaler',
      'Job',
      'PodDisruptionBudget',
      // The storefront's read-only Role for /architecture's kubernetes source.
      'Role',
      'RoleBinding',
      'Secret',
      'Service',
      'ServiceAccount',
    ]);
  });

  for (const env of ENVIRONMENTS) {
    it(`renders the ${env} environment and the server accepts every object`, async () => {
      const r = await render(cluster, join(charts, 'ha-shop'), [
        '--namespace',
        namespace,
        '-f',
        environmentValues(env),
      ]);
      expect(r.code, r.stderr).toBe(0);
      await serverDryRun(cluster, namespace, r.stdout);
    });
  }

  it('fails a value of the wrong type with the schema message', async () => {
    const file = join(charts, 'wrong-type.yaml');
    writeFileSync(file, 'product-service:\n  replicaCount: two\n');
    const r = await render(cluster, join(charts, 'ha-shop'), ['-f', file]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/values don't meet the specifications of the schema/);
    expect(r.stderr).toMatch(/replicaCount/);
    expect(r.stderr).toMatch(/integer/);
  });

  it('fails an unknown key with the schema message, in the umbrella and in a service', async () => {
    for (const [name, text, key] of [
      ['unknown-top.yaml', 'postgress:\n  instances: 3\n', 'postgress'],
      ['unknown-service.yaml', 'checkout-service:\n  replicas: 3\n', 'replicas'],
      [
        'unknown-config.yaml',
        'payment-service:\n  config:\n    PAYMENT_DECLINE_RATIO: 0.1\n',
        'PAYMENT_DECLINE_RATIO',
      ],
    ]) {
      const file = join(charts, name);
      writeFileSync(file, text);
      const r = await render(cluster, join(charts, 'ha-shop'), ['-f', file]);
      expect(r.code, name).not.toBe(0);
      expect(r.stderr).toMatch(/additional ?properties/i);
      expect(r.stderr).toContain(key);
    }
  });

  it("keeps the chart's copies of the alert rules, dashboards and schemas identical to their sources", async () => {
    const pairs: [string, string][] = [
      ['monitoring/prometheus/rules', 'charts/ha-shop/files/prometheus-rules'],
      ['monitoring/grafana/dashboards', 'charts/ha-shop/files/dashboards'],
    ];
    for (const [src, copy] of pairs) {
      const names = readdirSync(join(REPO_ROOT, src)).sort();
      expect(readdirSync(join(REPO_ROOT, copy)).sort(), `${copy} (run make charts-generate)`).toEqual(names);
      for (const n of names) {
        const same =
          readFileSync(join(REPO_ROOT, src, n), 'utf8') === readFileSync(join(REPO_ROOT, copy, n), 'utf8');
        expect(same, `${copy}/${n} differs from ${src}/${n} (run make charts-generate)`).toBe(true);
      }
    }
    const check = spawnSync(process.execPath, [join(CHARTS_DIR, 'schema/generate.mjs'), '--check'], {
      encoding: 'utf8',
    });
    expect(check.status, check.stderr).toBe(0);
  });
});
