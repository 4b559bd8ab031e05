import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainEvent, type OutboxService, parseFeedCursor } from '@ha-shop/events';
import type { RunningService } from '@ha-shop/service-kit';
import {
  apiClient,
  bootService,
  createTestDatabase,
  expectProblem,
  sampleOrderEvent,
  sampleViewEvent,
  sql,
  TestIssuer,
  testEnv,
  waitFor,
} from '@ha-shop/testkit';
import { AppModule } from '../src/app.module';
import { EventApplier } from '../src/feeds/event-applier.service';
import { startProducer } from './support/producer';

const INTERNAL_TOKEN = 'test-internal-token';

describe('analytics event delivery', () => {
  let issuer: TestIssuer;
  let producerDb: string;
  let analyticsDb: string;
  let producer: { service: RunningService; outbox: OutboxService };
  let producerPort: number;
  let analytics: RunningService[] = [];

  const bootAnalytics = async () => {
    const svc = await bootService(
      AppModule.forRoot(
        testEnv({
          DATABASE_URL: analyticsDb,
          JWKS_URL: issuer.jwksUrl,
          INTERNAL_TOKEN,
          FEED_SOURCES: `checkout-service=http://127.0.0.1:${producerPort}`,
          FEED_POLL_INTERVAL_MS: '100',
          FEED_BATCH_SIZE: '7',
        }),
      ),
      'analytics-service',
    );
    analytics.push(svc);
    return svc;
  };

  const order = (type: 'order.placed' | 'order.paid', total: number, userId = 'u1') =>
    sampleOrderEvent(type, total, { userId });

  const kpis = async (svc: RunningService) =>
    (await apiClient(svc.url).get('/analytics/kpis?window=1h', { token: await issuer.adminToken() })).body;
  const appliedCount = async () =>
    Number((await sql(analyticsDb, 'SELECT count(*)::int AS n FROM processed_event'))[0].n);

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    producerDb = await createTestDatabase('producer');
    analyticsDb = await createTestDatabase('analytics');
    producer = await startProducer('checkout-service', {
      DATABASE_URL: producerDb,
      JWKS_URL: issuer.jwksUrl,
      INTERNAL_TOKEN,
    });
    producerPort = Number(new URL(producer.service.url).port);
  });

  afterAll(async () => {
    for (const svc of analytics) await svc.shutdown().catch(() => undefined);
    await producer.service.shutdown().catch(() => undefined);
    await issuer.close();
  });

  it('applies the feed into KPIs', async () => {
    const svc = await bootAnalytics();
    await producer.outbox.appendStandalone(
      order('order.placed', 2500),
      order('order.paid', 2500),
      order('order.placed', 1500),
    );
    await producer.outbox.appendStandalone(order('order.paid', 1500, 'u2'), sampleViewEvent('p1'));
    const k = await waitFor(
      async () => {
        const body = await kpis(svc);
        return body.orders.paid === 2 ? body : undefined;
      },
      { what: 'two paid orders in KPIs' },
    );
    expect(k.orders.placed).toBe(2);
    expect(k.revenue).toEqual([{ currency: 'EUR', amountMinor: 4000 }]);
    expect(k.averageOrderValue).toEqual([{ currency: 'EUR', amountMinor: 2000 }]);
    expect(k.funnel.productViews).toBe(1);
    expect(k.activeUsers).toBe(2);
    expect(k.feeds[0]).toMatchObject({ source: 'checkout-service', lastError: null });
  });

  it('counts every event exactly once across an analytics restart mid-stream', async () => {
    const before = await appliedCount();
    for (let i = 0; i < 10; i++)
      await producer.outbox.appendStandalone(...Array.from({ length: 5 }, () => order('order.placed', 100)));
    // Stop analytics while it is still working through the batches, then start a new one.
    await analytics[0].shutdown();
    analytics = [];
    const svc = await bootAnalytics();
    await waitFor(async () => (await appliedCount()) === before + 50, { what: '50 more applied events' });
    const k = await kpis(svc);
    expect(k.orders.placed).toBe(2 + 50);
  });

  it('survives a producer restart without loss or double counting', async () => {
    const before = await appliedCount();
    await producer.service.shutdown();
    // While the producer is down the consumer fails its polls; events keep accumulating in the outbox.
    const direct = await startProducer(
      'checkout-service',
      { DATABASE_URL: producerDb, JWKS_URL: issuer.jwksUrl, INTERNAL_TOKEN },
      0,
    );
    await direct.outbox.appendStandalone(
      order('order.placed', 100),
      order('order.placed', 100),
      order('order.placed', 100),
    );
    await direct.service.shutdown();
    producer = await startProducer(
      'checkout-service',
      { DATABASE_URL: producerDb, JWKS_URL: issuer.jwksUrl, INTERNAL_TOKEN },
      producerPort,
    );
    await waitFor(async () => (await appliedCount()) === before + 3, {
      what: 'events written while the producer was down',
    });
    expect((await kpis(analytics[0])).orders.placed).toBe(55);
  });

  it('ignores a replayed feed page and a rewound cursor', async () => {
    const svc = analytics[0];
    const page = await apiClient(producer.service.url).get('/events?after=0&limit=20', {
      headers: { 'x-internal-token': INTERNAL_TOKEN },
    });
    expect(page.status).toBe(200);
    const result = await svc.app.get(EventApplier).applyPage('checkout-service', page.body.events);
    expect(result).toEqual({ applied: 0, duplicates: page.body.events.length });
    // Losing the cursor entirely re-reads the whole feed, and still counts nothing twice.
    await sql(
      analyticsDb,
      "UPDATE feed_cursor SET last_txid = 0, last_seq = 0 WHERE source = 'checkout-service'",
    );
    const total = await appliedCount();
    await waitFor(
      async () => {
        const rows = await sql(
          analyticsDb,
          "SELECT last_seq::int AS s FROM feed_cursor WHERE source = 'checkout-service'",
        );
        return Number(rows[0].s) > 0 && rows;
      },
      { what: 'cursor to advance again' },
    );
    // Appends here are one after another, so the last position holds the newest seq.
    await waitFor(
      async () =>
        parseFeedCursor((await kpis(svc)).feeds[0].cursor).seq === (await producer.outbox.headSeq()),
      { what: 'catch-up' },
    );
    expect(await appliedCount()).toBe(total);
    expect((await kpis(svc)).orders.placed).toBe(55);
    // The stored cursor is a position: the producer's txid with the seq.
    const [stored] = await sql(
      analyticsDb,
      "SELECT last_txid::text AS txid, last_seq::text AS seq FROM feed_cursor WHERE source = 'checkout-service'",
    );
    expect(`${stored.txid}.${stored.seq}`).toBe((await kpis(svc)).feeds[0].cursor);
    expect(Number(stored.txid)).toBeGreaterThan(0);
  });

  it('applies a page in one go: an event twice in it counts once, and same-minute counts add up', async () => {
    const at = new Date().toISOString();
    const login = (seq: number): DomainEvent => ({
      id: randomUUID(),
      seq: String(seq),
      position: `0.${seq}`,
      source: 'page-test',
      type: 'user.logged_in',
      aggregateId: 'u-page',
      payload: { userId: 'u-page' },
      traceparent: null,
      occurredAt: at,
    });
    const [a, b] = [login(1), login(2)];
    const logins = async () =>
      Number(
        (
          await sql(
            analyticsDb,
            `SELECT coalesce(sum(value), 0)::int AS n FROM kpi_minute WHERE metric = 'logins'`,
          )
        )[0].n,
      );
    const before = await logins();
    const applier = analytics[0].app.get(EventApplier);
    expect(await applier.applyPage('page-test', [a, a, b])).toEqual({ applied: 2, duplicates: 1 });
    expect(await logins()).toBe(before + 2);
    expect(await applier.applyPage('page-test', [b])).toEqual({ applied: 0, duplicates: 1 });
    expect(await logins()).toBe(before + 2);
    const active = await sql(analyticsDb, `SELECT 1 FROM user_activity WHERE user_id = 'u-page'`);
    expect(active).toHaveLength(1);
  });

  it('lets two analytics replicas share one feed without double counting', async () => {
    await bootAnalytics();
    const before = await appliedCount();
    for (let i = 0; i < 8; i++)
      await producer.outbox.appendStandalone(order('order.placed', 100), order('order.paid', 100));
    await waitFor(async () => (await appliedCount()) === before + 16, { what: 'both replicas caught up' });
    const k = await kpis(analytics[1]);
    expect(k.orders.placed).toBe(63);
  });

  it('shows KPIs (revenue, feed errors) to admins only', async () => {
    const api = apiClient(analytics[0].url);
    expectProblem(await api.get('/analytics/kpis?window=1h'), 401);
    expectProblem(await api.get('/analytics/kpis?window=1h', { token: await issuer.token() }), 403);
    const admin = await api.get('/analytics/kpis?window=1h', { token: await issuer.adminToken() });
    expect(admin.status).toBe(200);
    expect(admin.body.revenue).toBeDefined();
  });

  it('refuses the feed without the internal token and bad KPI queries', async () => {
    const feed = await apiClient(producer.service.url).get('/events?after=0');
    expectProblem(feed, 403);
    const api = apiClient(analytics[0].url);
    const token = await issuer.adminToken();
    expectProblem(await api.get('/analytics/kpis?window=3y', { token }), 400);
    expectProblem(await api.get('/analytics/kpis?window=1h&extra=1', { token }), 400);
    const bad = await apiClient(producer.service.url).get('/events?after=-1&limit=5000', {
      headers: { 'x-internal-token': INTERNAL_TOKEN },
    });
    expectProblem(bad, 400);
  });
});
