// k6 load test of the shop: weighted journeys (browse, search, view a product, add to
// cart, checkout with a test card) with thresholds, bounded in VUs and duration.
//
//   make load                                   # against `make demo` (http://127.0.0.1:8080/api)
//   k6 run -e BASE_URL=https://shop.example/api load/shop.js   # any deployment, e.g. Kubernetes
//
// Env: BASE_URL, LOAD_VUS (default 10, max 200), LOAD_DURATION (default 1m, max 30m),
//      LOAD_PROFILE=smoke (1 VU, 20 s: a quick check that the journeys work),
//      LOAD_PROFILE=spike (2 VUs, a jump to LOAD_VUS (default 40) without think time for
//      LOAD_DURATION (default 1m), then 1 VU for LOAD_COOLDOWN (default 6m): watch `make demo`'s
//      autoscaler scale out and, after its scale-down window (300 s), back in),
//      LOAD_PROFILE=shoppers (LOAD_VUS default and max 1000 concurrent shoppers, ramped up and
//      down over LOAD_RAMP (default 30s) around LOAD_DURATION; each pauses 0.5-1.5 s between
//      steps and mostly browses, searches and views, some add to cart, a few check out;
//      thresholds are issue 16's targets: p95 < 200 ms, < 0.1 % failed requests, orders taken;
//      `make bench` runs it, docs/performance.md),
//      LOAD_SUMMARY=<file>: the end-of-test summary as JSON there (one line on stdout instead
//      of k6's table).
import { sleep } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { addToCart, browse, checkout, loadCatalog, search, view } from './lib/shop.js';
import { compactSummary, summaryLine } from './lib/summary.js';

const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080/api').replace(/\/$/, '');
const PROFILE = __ENV.LOAD_PROFILE || 'steady';
if (!['steady', 'smoke', 'spike', 'shoppers'].includes(PROFILE))
  throw new Error(`LOAD_PROFILE must be smoke, spike or shoppers (or unset), got "${PROFILE}"`);
const smoke = PROFILE === 'smoke';
const spike = PROFILE === 'spike';
const shoppers = PROFILE === 'shoppers';

const MAX_VUS = shoppers ? 1000 : 200;
const requestedVus = Number(__ENV.LOAD_VUS || (shoppers ? 1000 : spike ? 40 : 10));
if (!Number.isInteger(requestedVus) || requestedVus < 1)
  throw new Error(`LOAD_VUS must be a whole number from 1 to ${MAX_VUS}`);
const VUS = smoke ? 1 : Math.min(MAX_VUS, requestedVus);
const DURATION = smoke ? '20s' : __ENV.LOAD_DURATION || '1m';
const COOLDOWN = __ENV.LOAD_COOLDOWN || '6m';
const RAMP = __ENV.LOAD_RAMP || '30s';
for (const [name, value] of [
  ['LOAD_DURATION', DURATION],
  ['LOAD_COOLDOWN', COOLDOWN],
  ['LOAD_RAMP', RAMP],
]) {
  if (!/^([1-9]\d?m|[1-9]\d{0,3}s|30m)$/.test(value))
    throw new Error(`${name} must be like 90s or 5m (at most 30m)`);
}

const steady = {
  executor: 'ramping-vus',
  startVUs: 1,
  stages: [
    { duration: smoke ? '1s' : '15s', target: VUS },
    { duration: DURATION, target: VUS },
    { duration: smoke ? '1s' : '10s', target: 0 },
  ],
  gracefulRampDown: '15s',
  gracefulStop: '30s',
};
// Calm, a sudden crowd, calm again: the replica graph shows the scale-out and, one
// stabilisation window later, the scale-in.
const spikeScenario = {
  executor: 'ramping-vus',
  startVUs: 2,
  stages: [
    { duration: '30s', target: 2 },
    { duration: '5s', target: VUS },
    { duration: DURATION, target: VUS },
    { duration: '5s', target: 1 },
    { duration: COOLDOWN, target: 1 },
  ],
  gracefulRampDown: '15s',
  gracefulStop: '30s',
};
// A crowd arriving and leaving gradually, as a shop's visitors do, rather than all at once.
const shoppersScenario = {
  executor: 'ramping-vus',
  startVUs: 0,
  stages: [
    { duration: RAMP, target: VUS },
    { duration: DURATION, target: VUS },
    { duration: RAMP, target: 0 },
  ],
  // Long enough for a checkout journey (two pauses and three requests) to finish.
  gracefulRampDown: '10s',
  gracefulStop: '20s',
};
const latency = (p95, p99) => (spike ? [] : [`p(95)<${p95}`, `p(99)<${p99}`]);

const journeyThresholds = {
  // Reads and keyed checkouts are retried by the edge: almost none may fail.
  'http_req_failed{idempotent:true}': ['rate<0.01'],
  'http_req_failed{idempotent:false}': ['rate<0.05'],
  // A spike is meant to overload two replicas until more start: only failures count there.
  'http_req_duration{name:GET /products}': latency(500, 1500),
  'http_req_duration{name:GET /products/{slug}}': latency(500, 1500),
  'http_req_duration{name:GET /search}': latency(800, 2000),
  'http_req_duration{name:POST /checkout}': spike ? [] : ['p(95)<3000'],
  checks: ['rate>0.98'],
  orders_accepted: ['count>0'],
};
// Issue 16's targets for 1,000 concurrent shoppers, over every request of the run.
const shopperThresholds = {
  http_req_duration: ['p(95)<200'],
  http_req_failed: ['rate<0.001'],
  orders_accepted: ['count>0'],
};

export const options = {
  scenarios: { shoppers: spike ? spikeScenario : shoppers ? shoppersScenario : steady },
  thresholds: shoppers ? shopperThresholds : journeyThresholds,
  summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max'],
};

// A 409 "in progress" answer to a keyed checkout is part of the protocol, not a failure.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 399 }, 409));

export function setup() {
  return { catalog: loadCatalog(BASE_URL) };
}

const think = () => sleep(0.5 + Math.random());

const JOURNEYS = [
  [30, browse],
  [20, search],
  [30, view],
  [10, (base, catalog) => addToCart(base, catalog)],
  [10, checkout],
];
// Most visitors only look; a shopper who buys has looked at the product first.
function lookThenAdd(base, catalog) {
  view(base, catalog);
  think();
  addToCart(base, catalog);
}
function lookThenBuy(base, catalog) {
  view(base, catalog);
  think();
  checkout(base, catalog, think);
}
const SHOPPER_JOURNEYS = [
  [30, browse],
  [25, search],
  [32, view],
  [10, lookThenAdd],
  [3, lookThenBuy],
];
const journeys = shoppers ? SHOPPER_JOURNEYS : JOURNEYS;
const TOTAL = journeys.reduce((s, [w]) => s + w, 0);

export default function (data) {
  let r = Math.random() * TOTAL;
  for (const [weight, journey] of journeys) {
    r -= weight;
    if (r <= 0) {
      journey(BASE_URL, data.catalog);
      break;
    }
  }
  if (shoppers) think();
  // In a spike the crowd does not pause between pages: that is what raises requests in flight.
  else if (!spike || exec.vu.idInTest <= 2) sleep(0.2 + Math.random() * 0.6);
}

export function handleSummary(data) {
  const file = __ENV.LOAD_SUMMARY;
  // null: k6 prints its own summary table.
  if (!file) return null;
  const summary = compactSummary(data, PROFILE);
  return { [file]: JSON.stringify(summary, null, 2) + '\n', stdout: summaryLine(summary, file) };
}
