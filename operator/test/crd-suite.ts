// Over 250 lines: one table of valid and invalid ChaosScenarios, run against every API server the CRD is installed on.
import { ChaosScenario, crdYaml, parseScenarios, validateScenario } from '@ha-shop/chaos-scenario';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Cluster, CRD_FILE, errorMessage, kubectl, scenario, SCENARIOS } from './support';

const EXPERIMENTS = join(__dirname, '../../chaos-experiments');

type Mutation = (s: any) => void;
interface Case {
  what: string;
  mutate: Mutation;
  /** Where the API server (and the local validator) report the error. */
  path: string;
  text: string;
}

const cases: Case[] = [
  {
    what: 'a bad selector mode',
    mutate: (s) => (s.spec.steps[0].mode = 'sometimes'),
    path: 'spec.steps[0].mode',
    text: 'Unsupported value',
  },
  {
    what: 'a missing target',
    mutate: (s) => delete s.spec.target,
    path: 'spec.target',
    text: 'Required value',
  },
  {
    what: 'a negative duration',
    mutate: (s) => (s.spec.steps[0].duration = '-5s'),
    path: 'spec.steps[0].duration',
    text: 'should match',
  },
  {
    what: 'a PromQL probe without a threshold',
    mutate: (s) => delete s.spec.steadyState.probes[1].promql.threshold,
    path: 'spec.steadyState.probes[1].promql.threshold',
    text: 'Required value',
  },
  {
    what: 'a fixed mode without a value',
    mutate: (s) => (s.spec.steps[0].mode = 'fixed'),
    path: 'spec.steps[0]',
    text: 'modes fixed, fixed-percent and random-max-percent need a value',
  },
  {
    what: 'a percentage over 100',
    mutate: (s) => Object.assign(s.spec.steps[0], { mode: 'fixed-percent', value: '150' }),
    path: 'spec.steps[0]',
    text: 'a percent value is at most 100',
  },
  {
    what: 'a network delay without latency',
    mutate: (s) => delete s.spec.steps[1].network.latency,
    path: 'spec.steps[1]',
    text: 'network-delay needs network.latency',
  },
  {
    what: 'a lasting fault without a duration',
    mutate: (s) => delete s.spec.steps[1].duration,
    path: 'spec.steps[1]',
    text: 'this action lasts: it needs a duration',
  },
  {
    what: 'network parameters on the native pod-delete',
    mutate: (s) => (s.spec.steps[0].network = { latency: '1s' }),
    path: 'spec.steps[0]',
    text: 'network parameters belong to network-* actions',
  },
  {
    what: 'a probe whose block does not match its type',
    mutate: (s) => (s.spec.steadyState.probes[0].type = 'promql'),
    path: 'spec.steadyState.probes[0]',
    text: 'a probe carries the block of its type',
  },
  {
    what: 'an empty target selector',
    mutate: (s) => (s.spec.target.selector = {}),
    path: 'spec.target.selector',
    text: 'an empty selector',
  },
  {
    what: 'two steps with one name',
    mutate: (s) => (s.spec.steps[1].name = 'kill'),
    path: 'spec.steps[1]',
    text: 'Duplicate value',
  },
  { what: 'no steps', mutate: (s) => (s.spec.steps = []), path: 'spec.steps', text: 'at least 1' },
];

function valid(name: string, namespace: string): ChaosScenario {
  return scenario(name, namespace, {
    target: {
      namespace,
      selector: { matchLabels: { app: 'web' } },
      workload: { kind: 'Deployment', name: 'web' },
    },
    steadyState: {
      probes: [
        {
          name: 'up',
          type: 'http',
          mode: 'Continuous',
          interval: '1s',
          http: { url: 'http://127.0.0.1:1/health' },
        },
        {
          name: 'errors',
          type: 'promql',
          mode: 'Edge',
          promql: {
            url: 'http://127.0.0.1:9090',
            query: 'sum(rate(x[1m]))',
            comparator: '<',
            threshold: 0.01,
          },
        },
      ],
    },
    steps: [
      { name: 'kill', action: 'pod-delete', mode: 'one' },
      { name: 'slow', action: 'network-delay', mode: 'all', duration: '30s', network: { latency: '200ms' } },
    ],
    abort: { maxConsecutiveProbeFailures: 3 },
  });
}

/**
 * The CRD's validation, printer columns and the chaos-experiments library, against a
 * control plane where the CRD and Chaos Mesh's CRDs are installed. A suite body rather than
 * a file of its own: it shares the chart test's control plane (one fewer to start).
 */
export function crdSuite(ctx: () => { c: Cluster; ns: string }): void {
  describe('ChaosScenario CRD', () => {
    let c: Cluster;
    let ns: string;
    beforeAll(() => ({ c, ns } = ctx()));

    const create = (body: unknown) =>
      c.custom.createNamespacedCustomObject({
        ...SCENARIOS,
        namespace: ns,
        body,
        fieldValidation: 'Strict',
        dryRun: 'All',
      });

    it('is the file generated from libs/chaos-scenario (run `make operator-crd` after a schema change)', () => {
      expect(readFileSync(CRD_FILE, 'utf8')).toBe(crdYaml());
    });

    it('accepts a well-formed scenario, here and in the local validator', async () => {
      const s = valid('good', ns);
      expect(validateScenario(s)).toEqual([]);
      await expect(create(s)).resolves.toMatchObject({ metadata: { name: 'good' } });
    });

    it.each(cases)('rejects $what, as the local validator does', async ({ mutate, path, text }) => {
      const s = structuredClone(valid('bad', ns));
      mutate(s);
      const err = await create(s).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 422 });
      const message = errorMessage(err);
      expect(message).toContain(`${path}`);
      expect(message).toContain(text);
      const local = validateScenario(s);
      expect(local.some((e) => e.path === path && e.message.includes(text))).toBe(true);
    });

    it('rejects unknown fields under strict field validation, as the local validator does', async () => {
      const s = valid('bad', ns) as any;
      s.spec.steps[0].colour = 'red';
      const err = await create(s).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 400 });
      expect(errorMessage(err)).toContain('unknown field "spec.steps[0].colour"');
      expect(validateScenario(s)).toEqual([{ path: 'spec.steps[0].colour', message: 'unknown field' }]);
    });

    it('prints phase, verdict and recovery columns', async () => {
      await c.custom.createNamespacedCustomObject({ ...SCENARIOS, namespace: ns, body: valid('listed', ns) });
      const out = await kubectl(c.cp, ['get', 'chaosscenarios', '-n', ns]);
      expect(out.split('\n')[0].split(/\s+/)).toEqual(['NAME', 'PHASE', 'VERDICT', 'RECOVERY', 'AGE']);
      expect(out).toContain('listed');
    });

    describe('the chaos-experiments library', () => {
      const files = readdirSync(EXPERIMENTS).filter((f) => f.endsWith('.yaml'));
      const scenarios = files.filter((f) => !f.endsWith('.chaos-mesh.yaml'));
      const plain = files.filter((f) => f.endsWith('.chaos-mesh.yaml'));

      it('has a ChaosScenario and a plain Chaos Mesh file for each experiment', () => {
        expect(scenarios.length).toBeGreaterThanOrEqual(5);
        for (const f of scenarios) expect(plain).toContain(f.replace(/\.yaml$/, '.chaos-mesh.yaml'));
      });

      it('every ChaosScenario is accepted by the CRD (server-side dry run) and by the local parser', async () => {
        for (const file of scenarios) {
          const text = readFileSync(join(EXPERIMENTS, file), 'utf8');
          const parsed = parseScenarios(text, file);
          expect(parsed, file).toHaveLength(1);
          const s = parsed[0];
          await ensureNamespace(c, s.metadata.namespace as string);
          await c.custom
            .createNamespacedCustomObject({
              ...SCENARIOS,
              namespace: s.metadata.namespace as string,
              body: s,
              fieldValidation: 'Strict',
              dryRun: 'All',
            })
            .catch((e: unknown) => {
              throw new Error(`${file}: ${errorMessage(e)}`);
            });
        }
      });

      it('every plain Chaos Mesh object validates against the real Chaos Mesh CRDs', async () => {
        let objects = 0;
        for (const file of plain) {
          for (const doc of parseAllDocuments(readFileSync(join(EXPERIMENTS, file), 'utf8'))) {
            const o = doc.toJS() as { apiVersion: string; kind: string; metadata: { namespace: string } };
            expect(o.apiVersion, file).toBe('chaos-mesh.org/v1alpha1');
            await ensureNamespace(c, o.metadata.namespace);
            const plural = `${o.kind.toLowerCase()}`;
            await c.custom
              .createNamespacedCustomObject({
                group: 'chaos-mesh.org',
                version: 'v1alpha1',
                plural,
                namespace: o.metadata.namespace,
                body: o,
                fieldValidation: 'Strict',
                dryRun: 'All',
              })
              .catch((e: unknown) => {
                throw new Error(`${file}: ${errorMessage(e)}`);
              });
            objects++;
          }
        }
        expect(objects).toBeGreaterThanOrEqual(plain.length);
      });
    });
  });
}

async function ensureNamespace(c: Cluster, name: string): Promise<void> {
  await c.core.createNamespace({ body: { metadata: { name } } }).catch((e: { code?: number }) => {
    if (e.code !== 409) throw e;
  });
}
