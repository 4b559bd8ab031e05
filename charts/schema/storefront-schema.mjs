// values.schema.json of the storefront chart: the workload keys plus where it finds the
// edge, Prometheus and the Kubernetes API (charts/storefront/values.yaml).
import { dnsName, int, obj, workloadSchema } from './workload-schema.mjs';

const ports = { type: 'array', items: int(1, 65535), minItems: 1, uniqueItems: true };
const httpUrl = { type: 'string', pattern: '^https?://[^\\s]+$' };

// An HTTP API the dashboard reads ("" for none) and where the NetworkPolicy lets it go.
const backend = obj({ url: { anyOf: [httpUrl, { const: '' }] }, namespace: dnsName, ports });

export function storefrontSchema() {
  return workloadSchema('storefront values', {
    apiBaseUrl: httpUrl,
    edge: obj({ namespace: dnsName, ports }),
    architecture: obj({
      source: { enum: ['kubernetes', 'runner'] },
      kubernetesApiPorts: ports,
      prometheus: backend,
      jaeger: backend,
    }),
  });
}
