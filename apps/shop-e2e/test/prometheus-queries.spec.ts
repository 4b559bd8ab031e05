// Over 250 lines: starting five services and a real Prometheus is most of the run, so every query and rule check shares them.
// The services as real processes, started like the demo runner starts them (tracing
// preload, OTEL_* env). A real Prometheus scrapes them while the test drives traffic;
// then every dashboard query and every rule expression runs against it, catching PromQL
// that does not parse, metric or label names that do not exist, and panels that stay
// empty although the shop is busy. Their traces go over OTLP to a receiver in the test.
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiClient, createTestDatabase, TestIssuer, waitFor, type WaitForOptions } from '@ha-shop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { panelQueries, type PanelQuery } from '../../../monitoring/grafana/src/dashboards';
import { OtlpReceiver } from './support/otlp-receiver';
import { ensurePrometheusTools, RULES_DIR } from '../../../monitoring/test/support/prometheus-tools';
import { LocalPrometheus } from './support/prometheus';
import { buildServices, ServiceProcess } from './support/service-processes';
import { CARDS, checkoutBody } from './support/shop';

const SERVICES = [
  'product-service',
  'user-service',
  'payment-service',
  'checkout-service',
  'analytics-service',
] as const;
/** The service the per-service dashboard is checked with: it has breakers, outbound calls, an outbox. */
const SELECTED_SERVICE = 'checkout-service';

/** Scrapes and rule evaluations come every second; a failing query is a finding, not "not yet". */
const PROMETHEUS_WAIT: WaitForOptions = { timeoutMs: 60_000, intervalMs: 500, failFast: true };

function grafanaToPromQL(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '2m')
    .replaceAll('$__range', '10m')
    .replaceAll('$__interval_ms', '1000')
    .replaceAll('$__interval', '1s')
    .replaceAll('$service', SELECTED_SERVICE);
}

describe('services as processes: dashboards and rules against a real Prometheus, traces over OTLP', () => {
  let prom: LocalPrometheus;
  let otlp: OtlpReceiver;
  const procs: ServiceProcess[] = [];
  let issuer: TestIssuer;

  beforeAll(async () => {
    ensurePrometheusTools();
    buildServices([...SERVICES]);
    issuer = await TestIssuer.start();
    otlp = await OtlpReceiver.start();
    const common = {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      JWKS_URL: issuer.jwksUrl,
      INTERNAL_TOKEN: randomBytes(16).toString('hex'),
      FAULT_INJECTION_SECRET: randomBytes(16).toString('hex'),
    };
    const start = async (name: string, extra: Record<string, string> = {}) => {
      const p = await ServiceProcess.start(name, {
        ...common,
        DATABASE_URL: await createTestDatabase(name.split('-')[0]),
        ...extra,
      });
      procs.push(p);
      return p;
    };
    const [product, , payment] = await Promise.all([
      start('product-service'),
      start('user-service'),
      start('payment-service'),
    ]);
    await start('checkout-service', {
      PRODUCT_SERVICE_URL: product.url,
      PAYMENT_SERVICE_URL: payment.url,
      PAYMENT_DATA_KEY: randomBytes(32).toString('base64'),
    });
    await start('analytics-service', {
      FEED_SOURCES: ['product-service', 'payment-service', 'checkout-service']
        .map((s) => `${s}=${procs.find((p) => p.name === s)!.url}`)
        .join(','),
      FEED_POLL_INTERVAL_MS: '200',
    });
    prom = await LocalPrometheus.start(procs.map((p) => ({ service: p.name, url: p.url })));
    // Traffic before the first scrape would be invisible to rate(): wait for every target.
    await waitFor(
      async () => {
        const targets = await prom.targets();
        return targets.length === SERVICES.length && targets.every((t) => t.health === 'up');
      },
      { ...PROMETHEUS_WAIT, what: 'the first scrape of every service' },
    );
    // Two rounds a few scrapes apart, so every counter is seen increasing.
    await driveTraffic(procs, issuer, common);
    await new Promise((r) => setTimeout(r, 3000));
    await driveTraffic(procs, issuer, common);
    // Every target scraped after the traffic, and rules evaluated on it (1 s intervals).
    await waitFor(
      async () => {
        const r = await prom.query('sum by (service) (http_server_request_duration_seconds_count)');
        return (r.data?.result.length ?? 0) === SERVICES.length;
      },
      { ...PROMETHEUS_WAIT, what: 'every service to report HTTP metrics' },
    );
    await waitFor(
      async () => {
        const r = await prom.query(`service:http_error_ratio:rate5m{service="${SELECTED_SERVICE}"}`);
        return (r.data?.result.length ?? 0) > 0;
      },
      { ...PROMETHEUS_WAIT, what: 'recording rules to evaluate' },
    );
    await new Promise((r) => setTimeout(r, 3000));
  }, 300_000);

  afterAll(async () => {
    await prom?.stop();
    await Promise.allSettled(procs.map((p) => p.stop()));
    await issuer?.close();
    await otlp?.close();
  });

  it('exports one trace per checkout across the checkout, product and payment processes', async () => {
    await waitFor(
      async () =>
        otlp.spans.some(
          (s) => s.service === 'checkout-service' && s.attributes['http.route'] === '/checkout',
        ),
      { ...PROMETHEUS_WAIT, what: 'checkout spans over OTLP' },
    );
    const checkoutServer = otlp.spans.find(
      (s) => s.service === 'checkout-service' && s.kind === 2 && s.attributes['http.route'] === '/checkout',
    )!;
    expect(checkoutServer).toBeDefined();
    await waitFor(
      async () => {
        const services = new Set(
          otlp.spans.filter((s) => s.traceId === checkoutServer.traceId).map((s) => s.service),
        );
        return services.has('product-service') && services.has('payment-service');
      },
      { ...PROMETHEUS_WAIT, what: 'product and payment spans in the checkout trace' },
    );
    const trace = otlp.spans.filter((s) => s.traceId === checkoutServer.traceId);
    // The service name comes from OTEL_SERVICE_NAME; spans include HTTP, pg and the outbox publish.
    expect(trace.some((s) => s.service === 'product-service' && s.kind === 2)).toBe(true);
    expect(trace.some((s) => s.service === 'payment-service' && s.kind === 2)).toBe(true);
    expect(trace.some((s) => s.name.startsWith('pg.query'))).toBe(true);
    expect(trace.some((s) => s.kind === 4 && s.name === 'send checkout-service')).toBe(true);
    // Probes and scrapes are not traced.
    expect(
      otlp.spans.filter((s) =>
        /^\/(health|metrics)/.test(
          String(s.attributes['http.route'] ?? s.attributes['http.target'] ?? s.attributes['url.path'] ?? ''),
        ),
      ),
    ).toEqual([]);
  });

  it('scrapes every service with its service label', async () => {
    const targets = await prom.targets();
    expect(targets.map((t) => t.labels.service).sort()).toEqual([...SERVICES].sort());
    for (const t of targets) expect(t.health, `${t.labels.service}: ${t.lastError}`).toBe('up');
  });

  it('loads every rule file and evaluates every rule without error', async () => {
    const groups = await prom.rules();
    const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.yml'));
    const expected = files.flatMap((f) =>
      (parse(readFileSync(join(RULES_DIR, f), 'utf8')) as RuleFile).groups.map((g) => g.name),
    );
    expect(groups.map((g) => g.name).sort()).toEqual(expected.sort());
    for (const rule of groups.flatMap((g) => g.rules)) {
      expect(rule.health, `${rule.name}: ${rule.lastError ?? ''}`).toBe('ok');
    }
  });

  it('runs every alert and recording expression', async () => {
    const exprs = readdirSync(RULES_DIR)
      .filter((f) => f.endsWith('.yml'))
      .flatMap((f) =>
        (parse(readFileSync(join(RULES_DIR, f), 'utf8')) as RuleFile).groups.flatMap((g) => g.rules),
      )
      .map((r) => ({ name: r.alert ?? r.record ?? '?', expr: r.expr }));
    expect(exprs.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const { name, expr } of exprs) {
      const res = await prom.query(expr);
      if (res.status !== 'success') failures.push(`${name}: ${res.error}`);
    }
    expect(failures).toEqual([]);
    // The recorded SLIs exist for every service that served traffic.
    const recorded = await prom.query('service:http_slow_ratio:rate5m');
    expect(recorded.data?.result.map((r) => r.metric.service).sort()).toEqual([...SERVICES].sort());
  });

  it('parses and runs every dashboard query', async () => {
    const queries = panelQueries();
    expect(queries.length).toBeGreaterThan(40);
    const failures: string[] = [];
    for (const q of queries) {
      const res = await prom.query(grafanaToPromQL(q.expr));
      if (res.status !== 'success') failures.push(`${q.dashboard} / ${q.panel}: ${res.error}`);
    }
    expect(failures).toEqual([]);
  });

  it('has data in every panel that the traffic must fill (platform, service, chaos)', async () => {
    const empty = await emptyRequired(panelQueries().filter((q) => q.dashboard !== 'ha-shop-business'));
    expect(empty, empty.join('\n')).toEqual([]);
  });

  // Where each counter is incremented: docs/observability.md, "Business counters".
  it('has data in every business panel', async () => {
    const queries = panelQueries().filter((q) => q.dashboard === 'ha-shop-business');
    expect(queries.length).toBeGreaterThan(0);
    const empty = await emptyRequired(queries);
    expect(empty, empty.join('\n')).toEqual([]);
  });

  /** Required queries that return nothing, or only NaN/Inf (a ratio of empty rates is not data). */
  async function emptyRequired(queries: PanelQuery[]): Promise<string[]> {
    const empty: string[] = [];
    for (const q of queries.filter((x) => x.data === 'required')) {
      const res = await prom.query(grafanaToPromQL(q.expr));
      const finite = (res.data?.result ?? []).some((r) => Number.isFinite(Number(r.value?.[1])));
      if (!finite) empty.push(`${q.dashboard} / ${q.panel}: ${q.expr}`);
    }
    return empty;
  }
});

interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string }> }>;
}

/** Browse, sign up, buy (paid and declined), hit unknown routes, and make product-service fail for a while. */
async function driveTraffic(
  procs: ServiceProcess[],
  issuer: TestIssuer,
  common: { INTERNAL_TOKEN: string; FAULT_INJECTION_SECRET: string },
) {
  const url = (name: string) => procs.find((p) => p.name === name)!.url;
  const product = apiClient(url('product-service'));
  const users = apiClient(url('user-service'));
  const checkout = apiClient(url('checkout-service'));
  const admin = await issuer.adminToken();

  const slug = `obs-${randomUUID().slice(0, 8)}`;
  const sku = `OBS-${randomUUID().slice(0, 8).toUpperCase()}`;
  expect((await product.post('/admin/categories', { slug, name: slug }, { token: admin })).status).toBe(201);
  const created = await product.post(
    '/admin/products',
    {
      slug,
      name: `Lamp ${slug}`,
      categorySlug: slug,
      variants: [{ sku, price: 2500, currency: 'EUR', stock: 100 }],
    },
    { token: admin },
  );
  expect(created.status).toBe(201);
  for (let i = 0; i < 5; i++) {
    await product.get('/products');
    await product.get(`/products/${slug}`);
    await product.get('/search?q=lamp');
  }
  const email = `obs-${randomUUID().slice(0, 8)}@example.test`;
  await users.post('/users', { email, password: 'Obs3rvability-Pass!', name: 'Obs' });
  await users.post('/auth/login', { email, password: 'Obs3rvability-Pass!' });

  const customer = await issuer.token({ email: 'obs-buyer@example.test' });
  for (const card of [CARDS.ok, CARDS.ok, CARDS.ok, CARDS.declined]) {
    const cart = await checkout.post('/carts', undefined, { token: customer });
    await checkout.post(`/carts/${cart.body.id}/items`, { sku, quantity: 1 }, { token: customer });
    const res = await checkout.post('/checkout', checkoutBody(cart.body.id, card), {
      token: customer,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status).toBe(201);
  }
  for (const p of procs) await apiClient(p.url).get(`/no-such-route-${randomUUID()}`);
  await apiClient(url('analytics-service')).get('/analytics/kpis');

  // 5xx on product-service for a moment (the generic fault switch), seen directly and through checkout.
  const faults = {
    headers: { 'x-fault-secret': common.FAULT_INJECTION_SECRET, 'x-internal-token': common.INTERNAL_TOKEN },
  };
  expect((await product.put('/internal/faults', { errorRate: 0.5 }, faults)).status).toBe(200);
  for (let i = 0; i < 20; i++) await product.get('/products');
  await product.put('/internal/faults', { errorRate: 0 }, faults);
}
