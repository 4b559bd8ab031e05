// values.schema.json of the ha-shop umbrella chart. The service sections are only checked
// for being objects here: each service chart's own schema checks them in full.
import { bool, dnsName, duration, globalSchema, int, obj, quantity, str } from './workload-schema.mjs';

const labels = { type: 'object', additionalProperties: str };

export function umbrellaSchema(services) {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'ha-shop values',
    ...obj({
      global: globalSchema,
      ...Object.fromEntries(services.map((s) => [s, { type: 'object', properties: { enabled: bool } }])),
      storefront: { type: 'object', properties: { enabled: bool } },
      'ha-shop-lib': { type: 'object' },
      postgres: obj({
        instances: int(1, 9),
        imageName: { type: 'string', minLength: 1 },
        storage: obj({ size: quantity, storageClass: str }),
        resources: obj({
          requests: obj({ cpu: quantity, memory: quantity }),
          limits: obj({ cpu: quantity, memory: quantity }),
        }),
        parameters: { type: 'object', additionalProperties: str },
        operatorNamespace: dnsName,
      }),
      gateway: obj({
        enabled: bool,
        hosts: { type: 'array', items: str, minItems: 1 },
        selector: labels,
        timeout: duration,
        routes: {
          type: 'array',
          items: obj(
            { prefix: { type: 'string', pattern: '^/' }, service: { enum: services } },
            { required: ['prefix', 'service'] },
          ),
        },
      }),
      mesh: obj({ peerAuthentication: { enum: ['STRICT', 'PERMISSIVE'] } }),
      monitoring: obj({
        rules: obj({ enabled: bool }),
        dashboards: obj({ enabled: bool, label: str, labelValue: str, folder: str }),
      }),
      networkPolicy: obj({
        defaultDeny: bool,
        dns: obj({ namespace: dnsName, podLabels: labels }),
        istiodNamespace: dnsName,
        tracing: obj({ namespace: dnsName, ports: { type: 'array', items: int(1, 65535) } }),
      }),
    }),
  };
}
