import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CHARTS, CHARTS_DIR } from './paths';
import { mustRun, runTool, RunResult, Toolbox } from './tools';

/** A Kubernetes object as rendered: only the fields the tests look at are typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * A copy of charts/ in a temp dir with every chart's dependencies built, so tests never
 * write archives into the working tree (the same steps as `make charts-deps`).
 */
export async function prepareCharts(t: Toolbox): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ha-shop-charts-'));
  cpSync(CHARTS_DIR, dir, {
    recursive: true,
    // Left-overs of a local `make charts-deps` would be stale copies; build afresh.
    filter: (src) => !/^[^/]+\/(charts|Chart\.lock)(\/|$)/.test(relative(CHARTS_DIR, src)),
  });
  // Service charts first: the umbrella packages them together with their library.
  for (const chart of CHARTS.filter((c) => c !== 'ha-shop-lib')) {
    await mustRun(t, 'helm', ['dependency', 'build', join(dir, chart), '--skip-refresh']);
  }
  return dir;
}

/** helm template of the umbrella chart (or another chart) with extra arguments. */
export async function render(t: Toolbox, chartDir: string, args: string[] = []): Promise<RunResult> {
  return runTool(t, 'helm', ['template', 'shop', chartDir, '--namespace', 'shop', ...args]);
}

export async function renderObjects(t: Toolbox, chartDir: string, args: string[] = []): Promise<K8sObject[]> {
  const r = await render(t, chartDir, args);
  if (r.code !== 0) throw new Error(`helm template ${basename(chartDir)} ${args.join(' ')}: ${r.stderr}`);
  return parseManifests(r.stdout);
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new Error(`invalid YAML from helm: ${d.errors[0].message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object' && 'kind' in o);
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** Pod templates of every workload kind, with where they came from. */
export function podTemplates(objects: K8sObject[]): { owner: string; spec: any }[] {
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind))
    .map((o) => ({ owner: `${o.kind}/${o.metadata.name}`, spec: o.spec.template.spec }));
}

/** `--set` arguments of the values variants every test renders. */
export const VARIANTS: Record<string, string[]> = {
  default: [],
  minimal: [
    '--set=global.istio.enabled=false',
    '--set=global.monitoring.enabled=false',
    '--set=global.networkPolicy.enabled=false',
    '--set=global.tracing.enabled=false',
    '--set=global.database.mode=external',
    '--set=global.database.external.existingSecret=shop-database-urls',
  ],
  'no-istio': ['--set=global.istio.enabled=false'],
  'no-monitoring': ['--set=global.monitoring.enabled=false'],
  'external-database': [
    '--set=global.database.mode=external',
    '--set=global.database.external.existingSecret=shop-database-urls',
  ],
};
