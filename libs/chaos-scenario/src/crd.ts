import { stringify } from 'yaml';
import { specSchema, statusSchema } from './crd-schema';
import { toOpenApi } from './schema-dsl';
import { GROUP, KIND, PLURAL, VERSION } from './types';

export const CRD_NAME = `${PLURAL}.${GROUP}`;

/** The ChaosScenario CustomResourceDefinition, generated from the typed schema. */
export function crdManifest(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: CRD_NAME },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind: KIND,
        listKind: `${KIND}List`,
        plural: PLURAL,
        singular: 'chaosscenario',
        shortNames: ['chaos'],
        categories: ['chaos'],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            { name: 'Verdict', type: 'string', jsonPath: '.status.verdict' },
            {
              name: 'Recovery',
              type: 'number',
              jsonPath: '.status.timeToRecoverySeconds',
              description: 'Longest time to recovery of any step, in seconds',
            },
            { name: 'Step', type: 'integer', jsonPath: '.status.currentStep', priority: 1 },
            { name: 'Reason', type: 'string', jsonPath: '.status.reason', priority: 1 },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description:
                'A scripted failure run against one workload, with a measured verdict in its status.',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: toOpenApi(specSchema),
                status: toOpenApi(statusSchema),
              },
            },
          },
        },
      ],
    },
  };
}

const HEADER =
  '# Generated from libs/chaos-scenario (crdManifest()); edit the TypeScript schema, then `make operator-crd`.\n';

export function crdYaml(): string {
  return HEADER + stringify(crdManifest(), { lineWidth: 0, singleQuote: true });
}
