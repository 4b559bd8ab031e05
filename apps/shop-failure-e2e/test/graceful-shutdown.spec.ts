// SIGTERM to a service process (product-service) while clients are using it directly. Requests
// are slowed down (1.5 s, fault switch) so that many are in flight when the signal arrives.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Answer, call, round, seedProduct } from './support/journeys';
import { waitFor } from '@ha-shop/testkit';
import { failureWait, startStream } from './support/load';
import { ReadinessWatch } from './support/readiness';
import { Shop } from './support/shop';

const DRAIN_MS = 1000;
const GRACE_MS = 8000;
const LATENCY_MS = 1500;

describe('graceful shutdown', () => {
  let shop: Shop;

  beforeAll(async () => {
    shop = await Shop.start({
      services: ['product-service'],
      env: {
        'product-service': { SHUTDOWN_DRAIN_MS: String(DRAIN_MS), SHUTDOWN_GRACE_MS: String(GRACE_MS) },
      },
    });
    await seedProduct(shop, [{ price: 999, stock: 10 }]);
  });
  afterAll(() => shop?.close());

  const slowDown = (latencyMs: number) =>
    call(shop.svc('product-service').url, 'PUT', '/internal/faults', {
      body: { latencyMs },
      headers: { 'x-fault-secret': shop.secrets.FAULT_INJECTION_SECRET },
    });

  it('turns readiness off first, finishes every accepted request, and exits 0 within the grace period', async () => {
    const product = shop.svc('product-service');
    expect((await slowDown(LATENCY_MS)).status).toBe(200);
    const watch = new ReadinessWatch([product]).start();
    // A load balancer: sends only while the readiness probe (polled every 500 ms) says ready, so
    // requests keep arriving for a while after SIGTERM, as they do in a real rollout.
    let routable = true;
    const lb = (async () => {
      while (routable) {
        if ((await product.probe('/health/ready', 1000)) !== 200) routable = false;
        else await sleep(500);
      }
    })();
    const answers: Array<Answer & { sentAt: number }> = [];
    const staggered = new Set<number>();
    const stream = startStream({
      workers: 6,
      maxIterations: 300,
      pauseMs: 10,
      body: async (worker) => {
        // Staggered clients: a new request starts about every 250 ms.
        if (!staggered.has(worker)) {
          staggered.add(worker);
          await sleep(worker * 250);
        }
        if (!routable) return sleep(50);
        const sentAt = Date.now();
        answers.push({
          ...(await call(product.url, 'GET', '/products?limit=5', { timeoutMs: 20_000 })),
          sentAt,
        });
      },
    });
    await waitFor(async () => answers.length >= 6, failureWait('requests in flight'));
    await sleep(Math.random() * 250);

    const termAt = Date.now();
    product.signal('SIGTERM');
    const exit = await product.exited;
    await stream.stop();
    await lb;
    await watch.stop();

    expect(exit.code).toBe(0);
    expect(exit.signal).toBeNull();
    expect(exit.at - termAt).toBeLessThan(GRACE_MS);
    // Readiness answered "not ready" (503 from the live process) before the process went away.
    const notReady = watch.firstNotReady(product.id, termAt);
    expect(notReady?.status).toBe(503);
    expect(notReady!.at).toBeLessThan(exit.at);
    // Zero failed requests: everything sent, before or during the drain, was answered 200.
    for (const a of answers) expect(a.error ?? a.status, JSON.stringify(a.body)).toBe(200);
    const inFlightAtTerm = answers.filter((a) => a.sentAt < termAt && a.at > termAt);
    const sentWhileDraining = answers.filter((a) => a.sentAt >= termAt);
    const finishedAfterDrain = answers.filter((a) => a.at > termAt + DRAIN_MS);
    expect(inFlightAtTerm.length).toBeGreaterThan(0);
    // Requests accepted while draining were still in flight when the server closed, and completed.
    expect(finishedAfterDrain.length).toBeGreaterThan(0);

    console.log(
      `[SIGTERM] ${answers.length} requests, 0 failed; ${inFlightAtTerm.length} in flight at SIGTERM, ` +
        `${sentWhileDraining.length} accepted while draining, ${finishedAfterDrain.length} finished after the ${DRAIN_MS} ms drain; ` +
        `not ready ${notReady!.at - termAt} ms after SIGTERM; exit 0 after ${exit.at - termAt} ms (grace ${GRACE_MS} ms)`,
    );
  });

  it('exits at once on a second SIGTERM, even with a request in flight', async () => {
    const product = shop.svc('product-service');
    await product.start();
    expect((await slowDown(5000)).status).toBe(200);
    const slow = call(product.url, 'GET', '/products?limit=1', { timeoutMs: 20_000 });
    await sleep(300);
    const firstAt = Date.now();
    product.signal('SIGTERM');
    await waitFor(
      async () => (await product.probe('/health/ready', 1000)) === 503,
      failureWait('readiness off'),
    );
    const secondAt = Date.now();
    product.signal('SIGTERM');
    const exit = await product.exited;
    const answer = await slow;

    // Without the second signal it would have waited out the drain and the 5 s request.
    expect(exit.code).toBe(1);
    expect(exit.at - secondAt).toBeLessThan(2000);
    expect(answer.status).toBe(0);
    console.log(
      `[second SIGTERM] exit 1 after ${round(exit.at - secondAt)} ms (first SIGTERM ${secondAt - firstAt} ms earlier); ` +
        `the in-flight request was cut (${answer.error})`,
    );
  });
});
