// A load-generator process (forked by load.mjs): runs autocannon for one scenario, warm-up
// first, and sends back the measured part's summary. Keeping it out of the process that
// hosts the edge means the generator never competes with what it measures for an event loop.
import autocannon from 'autocannon';

process.once('message', (job) => {
  run(job).then(
    (summary) => process.send({ summary }, () => process.exit(0)),
    (err) => process.send({ error: err.stack ?? String(err) }, () => process.exit(1)),
  );
});

async function run(job) {
  const requests = await requestsFor(job);
  const once = (duration) =>
    autocannon({
      url: job.origin,
      connections: job.connections,
      duration,
      requests,
      timeout: 10,
    });
  if (job.warmupS > 0) await once(job.warmupS);
  const r = await once(job.durationS);
  return {
    okPerSec: r['2xx'] / r.duration,
    requestsPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    // Which answers the non-2xx were (503 from the edge, 422 from the cart...): the throughput hides them.
    statusCodes: Object.fromEntries(
      Object.entries(r.statusCodeStats ?? {}).map(([code, v]) => [code, v.count]),
    ),
    durationS: r.duration,
  };
}

async function requestsFor(job) {
  if (job.kind === 'get') return job.paths.map((path) => ({ method: 'GET', path }));
  if (job.kind === 'add-to-cart') return addToCartRequests(job);
  throw new Error(`unknown scenario kind ${job.kind}`);
}

/**
 * Adding the same SKU again only raises a quantity, capped per line and per cart, and adds
 * to one cart queue on its row lock; so consecutive requests go to different carts, and
 * each cart gets its own 50 SKUs once per pass: 500 adds before it is full. Enough carts
 * for the longest plausible run are created first.
 */
const LINES_PER_CART = 50;
const ADDS_PER_CART = LINES_PER_CART * 10;

async function addToCartRequests(job) {
  const needed = Math.ceil(((job.durationS + job.warmupS) * job.maxRate) / ADDS_PER_CART);
  const cartCount = Math.max(needed, job.connections * 2);
  const carts = [];
  for (let i = 0; i < cartCount; i++) {
    const res = await fetch(`${job.origin}${job.prefix}/carts`, { method: 'POST' });
    if (res.status !== 201) throw new Error(`POST /carts answered ${res.status}`);
    const body = await res.json();
    carts.push({ id: body.id, token: body.token });
  }
  let n = 0;
  return [
    {
      method: 'POST',
      setupRequest: (req) => {
        const i = n++;
        const c = i % cartCount;
        const line = Math.floor(i / cartCount) % LINES_PER_CART;
        const sku = job.skus[(c * LINES_PER_CART + line) % job.skus.length];
        return {
          ...req,
          path: `${job.prefix}/carts/${carts[c].id}/items`,
          headers: { 'content-type': 'application/json', 'x-cart-token': carts[c].token },
          body: JSON.stringify({ sku, quantity: 1 }),
        };
      },
    },
  ];
}
