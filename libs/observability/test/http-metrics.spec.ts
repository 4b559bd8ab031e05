import 'reflect-metadata';
import { apiClient, bootService, parseExposition, sampleValue } from '@ha-shop/testkit';
import type { RunningService } from '@ha-shop/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TinyServiceModule } from './support/tiny-service';

describe('HTTP server metrics', () => {
  let a: RunningService;
  let b: RunningService;

  beforeAll(async () => {
    // Two services in one process share prom-client's registry: neither may throw "already registered".
    a = await bootService(TinyServiceModule.forRoot('tiny-a'), 'tiny-a');
    b = await bootService(TinyServiceModule.forRoot('tiny-b'), 'tiny-b');
  });

  afterAll(async () => {
    await a?.shutdown();
    await b?.shutdown();
  });

  it('labels requests with the route template, never the raw URL', async () => {
    const api = apiClient(a.url);
    expect((await api.get('/things/first')).status).toBe(200);
    expect((await api.get('/things/second')).status).toBe(200);
    expect((await api.get('/things/x/fail')).status).toBe(500);
    expect((await api.post('/things', { body: { name: 'n', unknown: 1 } })).status).toBe(400);

    const samples = parseExposition(await metricsText(a.url));
    const count = (labels: Record<string, string>) =>
      sampleValue(samples, 'http_server_request_duration_seconds_count', labels);
    expect(count({ method: 'GET', route: '/things/:id', status_code: '200' })).toBeGreaterThanOrEqual(2);
    expect(count({ method: 'GET', route: '/things/:id/fail', status_code: '500' })).toBeGreaterThanOrEqual(1);
    expect(count({ method: 'POST', route: '/things', status_code: '400' })).toBeGreaterThanOrEqual(1);
    const routes = new Set(
      samples
        .filter((s) => s.name === 'http_server_request_duration_seconds_count')
        .map((s) => s.labels.route),
    );
    expect([...routes].some((r) => r.includes('first') || r.includes('second'))).toBe(false);
  });

  it('labels unknown routes "unmatched" so random URLs cannot blow up cardinality', async () => {
    const api = apiClient(a.url);
    for (const path of ['/nope', '/nope/abc', '/random-1234']) expect((await api.get(path)).status).toBe(404);
    const samples = parseExposition(await metricsText(a.url));
    expect(
      sampleValue(samples, 'http_server_request_duration_seconds_count', {
        method: 'GET',
        route: 'unmatched',
        status_code: '404',
      }),
    ).toBeGreaterThanOrEqual(3);
    const routes = samples
      .filter((s) => s.name === 'http_server_request_duration_seconds_count')
      .map((s) => s.labels.route);
    expect(routes.filter((r) => r.startsWith('/nope') || r.startsWith('/random'))).toEqual([]);
  });

  it('does not count probes and scrapes as traffic', async () => {
    await apiClient(b.url).get('/health/live');
    await metricsText(b.url);
    const samples = parseExposition(await metricsText(b.url));
    const routes = samples
      .filter((s) => s.name === 'http_server_request_duration_seconds_count')
      .map((s) => s.labels.route);
    expect(routes.filter((r) => r.startsWith('/health') || r === '/metrics')).toEqual([]);
  });

  it('serves Prometheus text format 0.0.4 with the process metrics, outside the OpenAPI document', async () => {
    const res = await fetch(`${b.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).toMatch(/^ha_shop_service_info\{service="tiny-b"\} 1$/m);
    // One copy of each metric family even though two services registered them.
    expect(text.match(/^# TYPE process_cpu_user_seconds_total /gm)).toHaveLength(1);
    expect(text.match(/^# TYPE http_server_request_duration_seconds /gm)).toHaveLength(1);
    const doc = (await (await fetch(`${b.url}/docs/json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
  });
});

async function metricsText(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}
