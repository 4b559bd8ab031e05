// k6 load test of the shop: weighted journeys (browse, search, view a product, add to
// cart, checkout with a test card) with thresholds, bounded in VUs and duration.
//
//   make load                                   # against `make demo` (http://127.0.0.1:8080/api)
//   k6 run -e BASE_URL=https://shop.example/api load/shop.js   # any deployment, e.g. Kubernetes
//
// Env: BASE_URL, LOAD_VUS (default 10, max 200), LOAD_DURATION (default 1m, max 30m),
//      LOAD_PROFILE=smoke (1 VU, 20 s: a quick check that the journeys work).
import { sleep } from 'k6';
import http from 'k6/http';
import { addToCart, browse, checkout, loadCatalog, search, view } from './lib/shop.js';

const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080/api').replace(/\/$/, '');
const smoke = __ENV.LOAD_PROFILE === 'smoke';
const VUS = smoke ? 1 : Math.min(200, Math.max(1, Number(__ENV.LOAD_VUS || 10)));
const DURATION = smoke ? '20s' : __ENV.LOAD_DURATION || '1m';
if (!/^([1-9]\d?m|[1-9]\d{0,3}s|30m)$/.test(DURATION))
  throw new Error(`LOAD_DURATION must be like 90s or 5m (at most 30m)`);

export const options = {
  scenarios: {
    shoppers: {
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [
        { duration: smoke ? '1s' : '15s', target: VUS },
        { duration: DURATION, target: VUS },
        { duration: smoke ? '1s' : '10s', target: 0 },
      ],
      gracefulRampDown: '15s',
      gracefulStop: '30s',
    },
  },
  thresholds: {
    // Reads and keyed checkouts are retried by the edge: almost none may fail.
    'http_req_failed{idempotent:true}': ['rate<0.01'],
    'http_req_failed{idempotent:false}': ['rate<0.05'],
    'http_req_duration{name:GET /products}': ['p(95)<500', 'p(99)<1500'],
    'http_req_duration{name:GET /products/{slug}}': ['p(95)<500', 'p(99)<1500'],
    'http_req_duration{name:GET /search}': ['p(95)<800', 'p(99)<2000'],
    'http_req_duration{name:POST /checkout}': ['p(95)<3000'],
    checks: ['rate>0.98'],
    orders_accepted: ['count>0'],
  },
  summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max'],
};

// A 409 "in progress" answer to a keyed checkout is part of the protocol, not a failure.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 399 }, 409));

export function setup() {
  return { catalog: loadCatalog(BASE_URL) };
}

const JOURNEYS = [
  [30, browse],
  [20, search],
  [30, view],
  [10, (base, catalog) => addToCart(base, catalog)],
  [10, checkout],
];
const TOTAL = JOURNEYS.reduce((s, [w]) => s + w, 0);

export default function (data) {
  let r = Math.random() * TOTAL;
  for (const [weight, journey] of JOURNEYS) {
    r -= weight;
    if (r <= 0) {
      journey(BASE_URL, data.catalog);
      break;
    }
  }
  sleep(0.2 + Math.random() * 0.6);
}
