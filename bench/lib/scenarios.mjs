// The request/response scenarios: what each one asks for and where (one replica directly, or
// through the edge under /api, as a browser would).
export const HTTP_SCENARIOS = [
  {
    id: 'catalog-list',
    name: 'catalog list of 20',
    service: 'product-service',
    kind: 'get',
    paths: () => ['/products?limit=20'],
  },
  {
    id: 'product-by-slug',
    name: 'product by slug',
    service: 'product-service',
    kind: 'get',
    paths: (catalog) => catalog.slugs.slice(0, 100).map((s) => `/products/${encodeURIComponent(s)}`),
  },
  {
    id: 'search',
    name: 'search "lap"',
    service: 'product-service',
    kind: 'get',
    paths: () => ['/search?q=lap'],
  },
  { id: 'add-to-cart', name: 'add to cart', service: 'checkout-service', kind: 'add-to-cart' },
];

/** Every scenario BENCH_SCENARIOS can name, in the order a repetition runs them. */
export const SCENARIO_IDS = [
  'cold-start',
  'ceiling',
  ...HTTP_SCENARIOS.map((s) => s.id),
  'checkout',
  'shoppers',
  'storefront',
];

/** Upper bound of add-to-cart requests per second, to create enough carts up front. */
const ADD_TO_CART_MAX_RATE = 5000;

export function targets(platform, scenario) {
  return [
    { target: 'direct', origin: platform.directOrigin(scenario.service), prefix: '' },
    { target: 'edge', origin: platform.edgeUrl, prefix: '/api' },
  ];
}

export function httpJob(cfg, platform, scenario, { origin, prefix }) {
  const base = {
    origin,
    prefix,
    connections: cfg.connections,
    durationS: cfg.durationS,
    warmupS: cfg.warmupS,
  };
  if (scenario.kind === 'get')
    return { ...base, kind: 'get', paths: scenario.paths(platform.catalog).map((p) => prefix + p) };
  return { ...base, kind: 'add-to-cart', skus: platform.catalog.skus, maxRate: ADD_TO_CART_MAX_RATE };
}
