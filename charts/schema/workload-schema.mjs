// JSON Schema of the values that the ha-shop-lib templates read (templates/_defaults.tpl).
// Charts built on the library compose their values.schema.json from these pieces, so a
// typo in any key fails at install with the schema's message.
const str = { type: 'string' };
const bool = { type: 'boolean' };
const int = (minimum = 0, maximum) => ({
  type: 'integer',
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
});
const strList = { type: 'array', items: str };
const anyObject = { type: 'object' };
const duration = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$' };
const quantity = { type: ['string', 'number'], pattern: '^[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$' };
const dnsName = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 };

/** A strict object: only the listed keys. */
export const obj = (properties, extra = {}) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...extra,
});

const resources = obj({
  requests: obj({ cpu: quantity, memory: quantity, 'ephemeral-storage': quantity }),
  limits: obj({ cpu: quantity, memory: quantity, 'ephemeral-storage': quantity }),
});

const probe = obj({
  path: { type: 'string', pattern: '^/' },
  periodSeconds: int(1),
  timeoutSeconds: int(1),
  failureThreshold: int(1),
});

const capabilities = obj({ add: strList, drop: strList });
const seccomp = obj({ type: { enum: ['RuntimeDefault', 'Localhost', 'Unconfined'] }, localhostProfile: str });

export const globalSchema = obj({
  image: obj({ registry: str, tag: str, pullPolicy: { enum: ['', 'Always', 'IfNotPresent', 'Never'] } }),
  istio: obj({ enabled: bool, ingressGatewayPrincipal: str, ingressGatewayNamespace: dnsName }),
  monitoring: obj({
    enabled: bool,
    namespace: dnsName,
    serviceMonitorLabels: { type: 'object', additionalProperties: str },
  }),
  networkPolicy: obj({ enabled: bool }),
  database: obj({
    mode: { enum: ['cnpg', 'external'] },
    external: obj({ existingSecret: str }),
  }),
  tracing: obj({ enabled: bool, otlpEndpoint: str }),
  faultInjection: obj({ enabled: bool }),
  jwks: obj({ service: dnsName }),
});

/** Every key of ha-shop-lib.defaults. */
export const workloadProperties = {
  enabled: bool,
  nameOverride: str,
  fullnameOverride: str,
  component: str,
  partOf: str,
  image: obj({
    registry: str,
    repository: { type: 'string', minLength: 1 },
    tag: str,
    digest: { type: 'string', pattern: '^$|^sha256:[0-9a-f]{64}$' },
    pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
  }),
  imagePullSecrets: { type: 'array', items: obj({ name: str }, { required: ['name'] }) },
  replicaCount: int(1),
  command: strList,
  args: strList,
  ports: {
    type: 'array',
    minItems: 1,
    items: obj(
      {
        name: { type: 'string', maxLength: 15 },
        containerPort: int(1, 65535),
        servicePort: int(1, 65535),
        appProtocol: str,
      },
      { required: ['name', 'containerPort'] },
    ),
  },
  config: anyObject,
  env: { type: 'array', items: { type: 'object', required: ['name'] } },
  envFrom: { type: 'array', items: anyObject },
  probes: obj({ port: { type: ['string', 'integer'] }, startup: probe, liveness: probe, readiness: probe }),
  drain: obj({ preStopSeconds: int(0, 300), drainMs: int(0), graceMs: int(100) }),
  resources,
  serviceAccount: obj({
    create: bool,
    name: str,
    automountToken: bool,
    annotations: { type: 'object', additionalProperties: str },
  }),
  podSecurityContext: obj({
    runAsNonRoot: { const: true },
    runAsUser: int(1),
    runAsGroup: int(1),
    fsGroup: int(1),
    seccompProfile: seccomp,
  }),
  securityContext: obj({
    runAsNonRoot: { const: true },
    runAsUser: int(1),
    runAsGroup: int(1),
    allowPrivilegeEscalation: { const: false },
    readOnlyRootFilesystem: bool,
    privileged: { const: false },
    capabilities,
    seccompProfile: seccomp,
  }),
  tmpVolume: obj({ enabled: bool, sizeLimit: quantity }),
  extraVolumes: { type: 'array', items: anyObject },
  extraVolumeMounts: { type: 'array', items: anyObject },
  podAnnotations: { type: 'object', additionalProperties: str },
  podLabels: { type: 'object', additionalProperties: str },
  nodeSelector: { type: 'object', additionalProperties: str },
  tolerations: { type: 'array', items: anyObject },
  affinity: anyObject,
  topologySpread: obj({
    enabled: bool,
    maxSkew: int(1),
    whenUnsatisfiable: { enum: ['ScheduleAnyway', 'DoNotSchedule'] },
  }),
  service: obj({ enabled: bool, type: { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] } }),
  autoscaling: obj({
    enabled: bool,
    minReplicas: int(1),
    maxReplicas: int(1),
    targetCPUUtilizationPercentage: int(1, 100),
    scaleDownStabilizationSeconds: int(0, 3600),
  }),
  pdb: obj({ enabled: bool, maxUnavailable: { type: ['integer', 'string'] } }),
  metrics: obj({ enabled: bool, path: { type: 'string', pattern: '^/' }, port: str, interval: duration }),
  networkPolicy: obj({
    enabled: bool,
    allowFrom: { type: 'array', items: dnsName },
    allowTo: {
      type: 'array',
      items: obj({ name: dnsName, port: int(1, 65535) }, { required: ['name', 'port'] }),
    },
    allowIngressGateway: bool,
    allowMonitoring: bool,
    extraIngress: { type: 'array', items: anyObject },
    extraEgress: { type: 'array', items: anyObject },
  }),
  istio: obj({
    enabled: bool,
    timeout: duration,
    retries: obj({
      attempts: int(0, 10),
      perTryTimeout: duration,
      retryOn: str,
      idempotentMethods: { type: 'array', items: { enum: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'] } },
    }),
    outlierDetection: obj({
      consecutive5xxErrors: int(0),
      consecutiveGatewayErrors: int(0),
      interval: duration,
      baseEjectionTime: duration,
      maxEjectionPercent: int(0, 100),
    }),
    connectionPool: obj({
      maxConnections: int(1),
      http1MaxPendingRequests: int(1),
      http2MaxRequests: int(1),
      maxRequestsPerConnection: int(0),
      connectTimeout: duration,
    }),
    allowedCallers: strList,
    allowIngressGateway: bool,
    allowMonitoring: bool,
  }),
  global: globalSchema,
  // Helm gives every dependency, the library included, a values entry of its own.
  'ha-shop-lib': anyObject,
};

/** The keys ha-shop-lib.shop.defaults adds for a shop service. */
export const shopProperties = {
  logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
  database: obj({ enabled: bool }),
  secretEnv: {
    type: 'object',
    propertyNames: { pattern: '^[A-Z][A-Z0-9_]*$' },
    additionalProperties: {
      enum: ['internal-token', 'payment-data-key', 'jwt-key-encryption-secret', 'fault-injection-secret'],
    },
  },
  peers: {
    type: 'object',
    propertyNames: { pattern: '^[A-Z][A-Z0-9_]*_URL$' },
    additionalProperties: dnsName,
  },
  feedSources: { type: 'array', items: dnsName },
  migrations: obj({ enabled: bool, args: strList }),
};

/** values.schema.json of a chart whose values are one workload (plus `extra` keys). */
export function workloadSchema(title, extra = {}) {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    ...obj({ ...workloadProperties, ...extra }),
  };
}

export { bool, int, str, strList, duration, quantity, dnsName };
