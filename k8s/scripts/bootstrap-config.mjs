// What the bootstrap script knows besides its steps: arguments, services, URLs, CRDs.

// apps/runner/src/services.ts lists the same services; this script runs under plain node before
// anything is built, so it cannot import that TypeScript.
export const SERVICES = [
  'product-service',
  'user-service',
  'checkout-service',
  'payment-service',
  'analytics-service',
];

/** The demo's front doors: localhost ports mapped in k8s/k3d-cluster.yaml. */
export const URLS = [
  {
    name: 'shop',
    url: 'http://localhost:8080/api/products',
    namespace: 'istio-system',
    service: 'istio-ingressgateway',
    port: 80,
    localPort: 8080,
    what: 'the public API through the Istio ingress gateway',
  },
  {
    name: 'grafana',
    url: 'http://localhost:3000',
    namespace: 'monitoring',
    service: 'kube-prometheus-stack-grafana',
    port: 80,
    localPort: 3000,
    what: 'ha-shop dashboards (admin / ha-shop-demo)',
  },
  {
    name: 'prometheus',
    url: 'http://localhost:9090/alerts',
    namespace: 'monitoring',
    service: 'kube-prometheus-stack-prometheus',
    port: 9090,
    localPort: 9090,
    what: 'the ha-shop alert rules and their state',
  },
  {
    name: 'jaeger',
    url: 'http://localhost:16686',
    namespace: 'observability',
    service: 'jaeger-query',
    port: 16686,
    localPort: 16686,
    what: 'traces of every request across services',
  },
  {
    name: 'chaos-mesh',
    url: 'http://localhost:2333',
    namespace: 'chaos-mesh',
    service: 'chaos-dashboard',
    port: 2333,
    localPort: 2333,
    what: 'the Chaos Mesh dashboard: running and past experiments',
  },
];

/** Kinds the shop's chart renders (or the chaos scenarios create) that come from third-party CRDs. */
export const REQUIRED_CRDS = [
  'virtualservices.networking.istio.io',
  'destinationrules.networking.istio.io',
  'gateways.networking.istio.io',
  'peerauthentications.security.istio.io',
  'authorizationpolicies.security.istio.io',
  'servicemonitors.monitoring.coreos.com',
  'prometheusrules.monitoring.coreos.com',
  'clusters.postgresql.cnpg.io',
  'databases.postgresql.cnpg.io',
  'podchaos.chaos-mesh.org',
  'networkchaos.chaos-mesh.org',
  'stresschaos.chaos-mesh.org',
];

const USAGE =
  'usage: bootstrap.mjs <up|down|images> [--env dev|staging|production] [--existing-kubeconfig PATH] [--namespace NS] [--release NAME] [--timeout 10m] [--image-tag TAG] [--charts-dir DIR]';

export function parseArgs(argv, env) {
  const [command, ...rest] = argv;
  if (!['up', 'down', 'images'].includes(command)) fail(USAGE);
  const opts = {
    command,
    env: 'dev',
    kubeconfig: env.HA_SHOP_DEMO_KUBECONFIG || undefined,
    namespace: 'ha-shop',
    release: 'ha-shop',
    timeout: '10m',
    imageTag: undefined,
    chartsDir: undefined,
  };
  const flags = {
    '--env': 'env',
    '--existing-kubeconfig': 'kubeconfig',
    '--namespace': 'namespace',
    '--release': 'release',
    '--timeout': 'timeout',
    '--image-tag': 'imageTag',
    '--charts-dir': 'chartsDir',
  };
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = rest[i].split(/=(.*)/s, 2);
    const key = flags[flag];
    if (!key) fail(`unknown argument ${rest[i]}\n${USAGE}`);
    const value = inline ?? rest[++i];
    if (value === undefined || value === '') fail(`${flag} needs a value`);
    opts[key] = value;
  }
  if (!['dev', 'staging', 'production'].includes(opts.env)) fail(`--env must be dev, staging or production`);
  return opts;
}

function fail(message) {
  console.error(message);
  process.exit(2);
}
