// Over 250 lines: every case shares one whole `make demo` runner (10 replicas, PostgreSQL, the edge), which takes tens of seconds to start.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARD } from '../src/load/journeys';
import { LoadGenerator } from '../src/load/load-generator';
import { auditOrders, checkoutDatabaseUrl } from '../src/scenario/orders-audit';
import { RunnerApi, RunnerStatus } from '../src/scenario/runner-api';
import { eventually, startRunner, TestRunner } from './support';

const SERVICES = [
  'product-service',
  'user-service',
  'checkout-service',
  'payment-service',
  'analytics-service',
];

async function http(
  method: string,
  url: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await request(url, {
    method: method as 'GET',
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const text = await res.body.text();
  let json: any = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.statusCode, headers: res.headers, json };
}

const replica = (s: RunnerStatus, id: string) =>
  s.services.flatMap((svc) => svc.replicas).find((r) => r.id === id)!;

describe('make demo runner (real processes)', () => {
  let runner: TestRunner;

  beforeAll(async () => {
    runner = await startRunner(['--replicas', '2']);
  });
  afterAll(async () => {
    await runner?.stop();
  });

  it('reports every service with two ready replicas, PostgreSQL and the URLs', async () => {
    const status = await runner.api.status();
    expect(status.phase).toBe('running');
    expect(status.postgres.state).toBe('running');
    expect(status.urls.api).toBe(runner.apiUrl);
    for (const name of SERVICES) {
      const svc = status.services.find((s) => s.name === name)!;
      expect(svc.state, name).toBe('running');
      expect(svc.replicas).toHaveLength(2);
      for (const r of svc.replicas) {
        expect(r).toMatchObject({ state: 'running', ready: true, live: true, restarts: 0, ejected: false });
        expect(r.pid).toBeGreaterThan(0);
      }
    }
    const events = await http('GET', `${runner.statusUrl}/events?limit=5`);
    expect(events.json.events.length).toBeGreaterThan(0);
  });

  it('keeps the chaos API to loopback callers sending JSON', async () => {
    expect(
      (await http('POST', `${runner.statusUrl}/chaos/heal`, { headers: { host: 'evil.example' } })).status,
    ).toBe(403);
    const res = await request(`${runner.statusUrl}/chaos/kill`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"service":"product-service"}',
    });
    await res.body.dump();
    expect(res.statusCode).toBe(415);
    expect(
      (await http('POST', `${runner.statusUrl}/chaos/kill`, { body: { service: 'nope-service' } })).status,
    ).toBe(404);
  });

  it('serves a whole customer journey through the edge: register, login, search, cart, checkout -> PAID', async () => {
    const api = runner.apiUrl;
    const email = `journey-${randomUUID().slice(0, 8)}@example.com`;
    const password = `correct horse ${randomUUID()}`;
    const registered = await http('POST', `${api}/users`, {
      body: { email, password, name: 'Journey Tester' },
    });
    expect(registered.status).toBe(201);
    const login = await http('POST', `${api}/auth/login`, { body: { email, password } });
    expect(login.status).toBe(200);
    const auth = { authorization: `Bearer ${login.json.accessToken}` };
    expect((await http('GET', `${api}/users/me`, { headers: auth })).json.email).toBe(email);

    const products = await http('GET', `${api}/products?limit=5`);
    expect(products.status).toBe(200);
    const word = String(products.json.items[0].name).split(' ')[0];
    const found = await http('GET', `${api}/search?q=${encodeURIComponent(word)}`);
    expect(found.status).toBe(200);
    expect(found.json.items.length).toBeGreaterThan(0);
    const product =
      found.json.items.find((p: any) => p.inStock) ?? products.json.items.find((p: any) => p.inStock);
    const detail = await http('GET', `${api}/products/${product.slug}`);
    expect(detail.status).toBe(200);
    const sku = detail.json.variants.find((v: any) => v.inStock).sku;

    const cart = await http('POST', `${api}/carts`, { headers: auth });
    expect([200, 201]).toContain(cart.status);
    const added = await http('POST', `${api}/carts/${cart.json.id}/items`, {
      headers: auth,
      body: { sku, quantity: 1 },
    });
    expect(added.status).toBe(200);

    const key = randomUUID();
    const body = {
      cartId: cart.json.id,
      shippingAddress: {
        name: 'Journey Tester',
        line1: '1 Main St',
        city: 'Berlin',
        postalCode: '10115',
        country: 'DE',
      },
      payment: { card: TEST_CARD },
    };
    const placed = await http('POST', `${api}/checkout`, {
      headers: { ...auth, 'idempotency-key': key },
      body,
    });
    expect(placed.status).toBe(201);
    expect(placed.json.order.status).toBe('PAID');
    const replay = await http('POST', `${api}/checkout`, {
      headers: { ...auth, 'idempotency-key': key },
      body,
    });
    expect(replay.json.order.id).toBe(placed.json.order.id);

    const order = await http('GET', `${api}/orders/${placed.json.order.id}`, { headers: auth });
    expect(order.status).toBe(200);
    expect(order.json.status).toBe('PAID');
    const mine = await http('GET', `${api}/orders`, { headers: auth });
    expect(mine.json.items.map((o: any) => o.id)).toContain(placed.json.order.id);
    expect((await http('GET', `${api}/.well-known/jwks.json`)).json.keys.length).toBeGreaterThan(0);
  });

  it('loses no idempotent request and no order when one replica of each service is SIGKILLed under load', async () => {
    // No client-side retries: whatever the edge does not hide, the test sees.
    const load = new LoadGenerator({
      baseUrl: runner.apiUrl,
      users: 4,
      thinkTimeMs: 50,
      retryIdempotent: false,
    });
    load.setPhase('steady');
    await load.start();
    const recovery: Record<string, number> = {};
    try {
      await sleep(2000);
      for (const service of SERVICES) {
        const result = (await runner.api.chaos('kill', { service })) as { target: string };
        const killedAt = Date.now();
        const back = await eventually(
          `${result.target} to restart and be ready`,
          async () => {
            const r = replica(await runner.api.status(), result.target);
            return r.restarts >= 1 && r.routable ? r : undefined;
          },
          60_000,
        );
        recovery[result.target] = Date.now() - killedAt;
        expect(back.lastExit?.reason).toContain('SIGKILL');
        await sleep(1000);
      }
      await sleep(2000);
    } finally {
      await load.close();
    }
    const stats = load.stats.summary('steady');
    expect(stats.idempotentRequests).toBeGreaterThan(100);
    expect(stats.idempotentFailed, JSON.stringify(stats.failures)).toBe(0);
    expect(load.orders.length).toBeGreaterThan(0);
    const audit = await auditOrders(
      checkoutDatabaseUrl(await runner.api.status(), runner.dataDir),
      load.orders.map((o) => o.id),
    );
    expect(audit.missing).toEqual([]);
    // Every killed replica came back: an entry is set only once it was routable again (within
    // the 60 s wait above). How fast is make chaos-demo's measurement, not an assertion here.
    expect(Object.keys(recovery)).toHaveLength(SERVICES.length);
  });

  it('takes a frozen replica out of rotation, sends its traffic elsewhere, and takes it back after SIGCONT', async () => {
    await runner.api.waitFor(RunnerApi.allReady, 60_000, 'all ready');
    const before = replica(await runner.api.status(), 'product-service-1');
    await runner.api.chaos('freeze', { service: 'product-service', replica: 1, seconds: 7 });
    await eventually(
      'product-service-1 out of rotation',
      async () => (replica(await runner.api.status(), 'product-service-1').routable ? undefined : true),
      6_000,
    );
    for (let i = 0; i < 15; i++) {
      const res = await http('GET', `${runner.apiUrl}/products?limit=1`);
      expect(res.status).toBe(200);
      expect(res.headers['x-served-by']).toBe('product-service-2');
    }
    const after = await eventually(
      'product-service-1 back in rotation',
      async () => {
        const r = replica(await runner.api.status(), 'product-service-1');
        return r.routable ? r : undefined;
      },
      30_000,
    );
    // Resumed, not killed: same process.
    expect(after.pid).toBe(before.pid);
    const served = new Set<string>();
    for (let i = 0; i < 20; i++)
      served.add(String((await http('GET', `${runner.apiUrl}/products?limit=1`)).headers['x-served-by']));
    expect(served).toContain('product-service-1');
  });

  it('comes back ready with every committed order after PostgreSQL stops for a few seconds', async () => {
    await runner.api.waitFor(RunnerApi.allReady, 60_000, 'all ready');
    // A well-behaved client retries idempotent requests after 503 + Retry-After, as a browser app would.
    const load = new LoadGenerator({
      baseUrl: runner.apiUrl,
      users: 3,
      thinkTimeMs: 100,
      retryIdempotent: true,
    });
    load.setPhase('outage');
    await load.start();
    try {
      await sleep(1500);
      await runner.api.chaos('postgres-stop', { seconds: 3 });
      await eventually(
        'PostgreSQL down',
        async () => ((await runner.api.status()).postgres.state === 'stopped' ? true : undefined),
        10_000,
      );
      await runner.api.waitFor((s) => s.postgres.state === 'running', 30_000, 'PostgreSQL back');
      await runner.api.waitFor(RunnerApi.allReady, 30_000, 'every replica ready again');
      await sleep(2000);
    } finally {
      await load.close();
    }
    const status = await runner.api.status();
    expect(status.postgres.restarts).toBe(1);
    const audit = await auditOrders(
      checkoutDatabaseUrl(status, runner.dataDir),
      load.orders.map((o) => o.id),
    );
    expect(audit.missing).toEqual([]);
    const stats = load.stats.summary('outage');
    expect(stats.requests).toBeGreaterThan(20);
    // After the outage the shop takes orders again.
    const after = new LoadGenerator({
      baseUrl: runner.apiUrl,
      users: 1,
      thinkTimeMs: 0,
      weights: { browse: 0, search: 0, view: 0, cart: 0, checkout: 1 },
    });
    await after.start();
    await eventually(
      'an order after the outage',
      async () => (after.orders.length > 0 ? true : undefined),
      30_000,
    );
    await after.close();
    expect(after.orders[0].status).toBe('PAID');
  });
});
