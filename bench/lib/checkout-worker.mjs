// A load-generator process (forked by load.mjs) for the checkout: N customers, each in a
// loop of create cart -> add an item -> checkout with a fresh Idempotency-Key, as a guest
// through the edge. Counts completed checkouts (201, order PAID) and their whole-journey
// latency; anything else is a failure, kept by kind.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Pool } from 'undici';

const require = createRequire(import.meta.url);

process.once('message', (job) => {
  run(job).then(
    (summary) => process.send({ summary }, () => process.exit(0)),
    (err) => process.send({ error: err.stack ?? String(err) }, () => process.exit(1)),
  );
});

async function run(job) {
  const { TEST_CARD } = require(join(job.root, 'apps', 'runner', 'dist', 'index.js'));
  const url = new URL(job.origin);
  const pool = new Pool(url.origin, { connections: job.customers, keepAliveTimeout: 10_000 });
  let skuCursor = job.skuOffset ?? 0;
  // Every order the shop said it took (warm-up too), to compare with the orders it stored.
  let accepted = 0;
  const nextSku = () => job.skus[skuCursor++ % job.skus.length];
  const call = async (method, path, headers, body) => {
    const res = await pool.request({
      method,
      path: `${job.prefix}${path}`,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
  };

  const journey = async () => {
    const cart = await call('POST', '/carts', {});
    if (cart.status !== 201) return `POST /carts ${cart.status}`;
    const token = { 'x-cart-token': cart.body.token };
    const added = await call('POST', `/carts/${cart.body.id}/items`, token, { sku: nextSku(), quantity: 1 });
    if (added.status !== 200) return `POST /carts/{id}/items ${added.status}`;
    const order = await call(
      'POST',
      '/checkout',
      { ...token, 'idempotency-key': randomUUID() },
      {
        cartId: cart.body.id,
        email: `bench-${randomUUID().slice(0, 8)}@example.com`,
        shippingAddress: {
          name: 'Bench Customer',
          line1: '1 Test Street',
          city: 'Berlin',
          postalCode: '10115',
          country: 'DE',
        },
        payment: { card: TEST_CARD },
      },
    );
    if ((order.status === 201 || order.status === 202) && order.body?.order?.id) accepted += 1;
    if (order.status !== 201 || order.body?.order?.status !== 'PAID')
      return `POST /checkout ${order.status} ${order.body?.order?.status ?? order.body?.type ?? ''}`.trim();
    return undefined;
  };

  const phase = async (seconds, record) => {
    const until = performance.now() + seconds * 1000;
    const customer = async () => {
      while (performance.now() < until) {
        const started = performance.now();
        const failure = await journey().catch((err) => `network ${err.code ?? err.message}`);
        record(failure, performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: job.customers }, customer));
  };

  if (job.warmupS > 0) await phase(job.warmupS, () => undefined);
  const latencies = [];
  const failures = {};
  // Tells the bench to read CPU time and database counters now: the window is exactly the
  // measured phase, which ends only when every customer's last journey has.
  process.send({ window: 'start' });
  const started = performance.now();
  await phase(job.durationS, (failure, ms) => {
    if (failure) failures[failure] = (failures[failure] ?? 0) + 1;
    else latencies.push(ms);
  });
  const elapsedS = (performance.now() - started) / 1000;
  process.send({ window: 'end' });
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q) =>
    latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : null;
  return {
    completed: latencies.length,
    completedPerSec: latencies.length / elapsedS,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    failed: Object.values(failures).reduce((a, b) => a + b, 0),
    failures,
    durationS: elapsedS,
    accepted,
    skusUsed: skuCursor - (job.skuOffset ?? 0),
  };
}
