// PostgreSQL (every service's database) stops and starts again while shoppers check out.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLedger, settledProblems } from './support/consistency';
import {
  Answer,
  call,
  Cart,
  cartWith,
  percentile,
  placeOrder,
  round,
  seedProduct,
  StepFailed,
} from './support/journeys';
import { waitFor } from '@ha-shop/testkit';
import { failureWait, startStream } from './support/load';
import { ReadinessWatch } from './support/readiness';
import { SERVICE_NAMES, ServiceName } from './support/service-process';
import { Shop } from './support/shop';

const STOCK = 1000;
const OUTAGE_MS = 3000;
const CATALOG_READS = ['/products?limit=20', '/categories', '/search?q=product'];

describe('PostgreSQL restart under load', () => {
  let shop: Shop;
  let sku: string;

  beforeAll(async () => {
    shop = await Shop.start({
      services: [...SERVICE_NAMES],
      durable: true,
      env: {
        'product-service': { SWEEPER_INTERVAL_MS: '500' },
        // A reservation whose order never came (checkout's database was down) is swept after
        // deadline + payment deadline = 10 s instead of the default 20 minutes.
        'checkout-service': {
          PAYMENT_RETRY_DEADLINE_MS: '2000',
          RESERVATION_TTL_MARGIN_SECONDS: '0',
          PAYMENT_RETRY_INTERVAL_MS: '500',
        },
      },
    });
    [sku] = await seedProduct(shop, [{ price: 2500, stock: STOCK }]);
  });
  afterAll(() => shop?.close());

  it('takes every service out of readiness and back, without restarts, fast 503s for writes and no lost order', async () => {
    const processes = SERVICE_NAMES.map((name) => shop.svc(name));
    const pids = new Map(processes.map((p) => [p.name, p.pid]));
    const watch = new ReadinessWatch(processes).start();
    const seen: Array<Answer & { step: string }> = [];
    const record = (step: string, answer: Answer) => seen.push({ ...answer, step });
    const checkoutUrl = shop.svc('checkout-service').url;
    // Half of the shoppers are signed in (one customer each: a customer has one open cart); their
    // tokens keep working while user-service's database is down.
    const customers = [undefined, (await shop.customer()).token, undefined, (await shop.customer()).token];

    // Like a well-behaved client, each checkout keeps its Idempotency-Key across retries.
    const current: Array<{ cart: Cart; key: string } | undefined> = [];
    const stream = startStream({
      workers: customers.length,
      maxIterations: 3000,
      pauseMs: 50,
      body: async (worker) => {
        if (!current[worker]) {
          try {
            const cart = await cartWith(checkoutUrl, [{ sku, quantity: 1 }], customers[worker], record);
            current[worker] = { cart, key: randomUUID() };
          } catch (err) {
            if (!(err instanceof StepFailed)) throw err;
            return;
          }
        }
        const { cart, key } = current[worker];
        const res = await placeOrder(checkoutUrl, cart, key);
        record('checkout', res);
        // 503: retry the same checkout. 409 in-progress: an earlier attempt created the order and lost
        // its answer; that order is finished by checkout's worker, this shopper moves on.
        if (res.status !== 503) current[worker] = undefined;
      },
    });
    const productUrl = shop.svc('product-service').url;
    let catalogDuringOutage: Answer[] = [];
    let stoppedAt = 0;
    let startedAt = 0;
    try {
      await waitFor(
        async () => seen.filter(placed).length >= 10,
        failureWait('10 orders before the restart'),
      );
      for (const path of CATALOG_READS) expect((await call(productUrl, 'GET', path)).status).toBe(200);
      stoppedAt = Date.now();
      await shop.pg.stop();
      await sleep(OUTAGE_MS);
      // Degraded, not down: the catalog answers from product-service's cache while its database is away.
      catalogDuringOutage = await Promise.all(CATALOG_READS.map((path) => call(productUrl, 'GET', path)));
      await shop.pg.start();
      startedAt = Date.now();
      await waitFor(
        async () => processes.every((p) => watch.downAndUp(p.id, stoppedAt).upAt !== undefined),
        failureWait('every service ready again', 60_000, 200),
      );
      const allReadyAt = Date.now();
      await waitFor(
        async () => seen.filter((a) => placed(a) && a.at > allReadyAt).length >= 5,
        failureWait('5 orders after the restart', 60_000),
      );
    } finally {
      await stream.stop();
      await watch.stop();
    }

    // Readiness went false, then true, for every service; no process was restarted.
    const recovery: string[] = [];
    for (const p of processes) {
      const { downAt, upAt } = watch.downAndUp(p.id, stoppedAt);
      expect(downAt, `${p.name} never reported not ready`).toBeDefined();
      expect(upAt, `${p.name} never became ready again`).toBeDefined();
      recovery.push(`${p.name.replace('-service', '')} ${upAt! - startedAt} ms`);
      expect(p.running).toBe(true);
      expect(p.pid).toBe(pids.get(p.name as ServiceName));
      expect(p.spawns).toBe(1);
    }

    for (const a of catalogDuringOutage) {
      expect(a.status).toBe(200);
      expect(a.headers.get('x-cache')).toBe('stale');
    }

    // Every answer was a real HTTP answer (no hang, no reset), and every refusal a 503 with Retry-After.
    for (const a of seen) {
      expect(a.error, `${a.step}: ${a.error}`).toBeUndefined();
      if (placed(a) || (a.step !== 'checkout' && a.status < 300)) continue;
      if (a.status === 409) expect(a.body.type).toMatch(/\/idempotency-in-progress$/);
      else expect(a.status, `${a.step}: ${JSON.stringify(a.body)}`).toBe(503);
      expect(a.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    }
    const duringOutage = seen.filter((a) => a.at - a.ms >= stoppedAt && a.at - a.ms < startedAt);
    const refused = duringOutage.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    // Fail fast: bounded by the pool's 2 s connection timeout, far from the 8 s checkout deadline.
    expect(Math.max(...refused.map((a) => a.ms))).toBeLessThan(5000);

    // No acknowledged order was lost, and both databases agree on every order.
    const acknowledged = seen.filter(placed).map((a) => a.body.order.id as string);
    expect(await settledProblems(shop, { [sku]: STOCK })).toEqual([]);
    const stored = new Map((await readLedger(shop)).orders.map((o) => [o.id, o.status]));
    for (const a of seen.filter(placed)) {
      const status = stored.get(a.body.order.id);
      // 201: paid. 202: accepted while payment-service could not answer; the worker charges it, or
      // cancels it (stock released) when the payment deadline passes first. Never lost either way.
      if (a.status === 201) expect(status, `order ${a.body.order.id}`).toBe('PAID');
      else expect(['PAID', 'CANCELLED'], `order ${a.body.order.id}`).toContain(status);
    }

    console.log(
      `[postgres restart] ${OUTAGE_MS} ms outage; ${acknowledged.length} orders acknowledged ` +
        `(${seen.filter((a) => placed(a) && a.status === 202).length} as 202), all stored ` +
        `(${[...stored.values()].filter((s) => s === 'CANCELLED').length} cancelled at their payment deadline); ` +
        `${refused.length} writes refused during the outage (503, p50 ${round(
          percentile(
            refused.map((a) => a.ms),
            50,
          ),
        )} ms, ` +
        `max ${round(Math.max(...refused.map((a) => a.ms)))} ms); ready again after the restart: ${recovery.join(', ')}; ` +
        `pids unchanged; catalog reads during the outage: ${catalogDuringOutage.map((a) => `${a.status} ${a.headers.get('x-cache')}`).join(', ')}`,
    );
  });
});

const placed = (a: Answer & { step?: string }) =>
  (a.step ?? 'checkout') === 'checkout' && (a.status === 201 || a.status === 202);
