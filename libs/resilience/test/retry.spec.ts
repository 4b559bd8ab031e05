import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DependencyUnavailableError, ServiceClient } from '../src';
import { BREAKER_NEVER, TestServer, envFor, json, metricValue, testRegistry } from './support/test-server';

const DEP = 'test→retry';

describe('retries', () => {
  let server: TestServer;
  let client: ServiceClient;
  let ctx: ReturnType<typeof testRegistry>;

  beforeEach(async () => {
    server = await TestServer.start((_req, res) => json(res, 503, { title: 'down' }));
    ctx = testRegistry(
      envFor(DEP, { ...BREAKER_NEVER, retries: 2, retryBaseMs: 1, retryMaxMs: 5, timeoutMs: 1000 }),
    );
    client = new ServiceClient({ dependency: DEP, baseUrl: server.url, registry: ctx.registry });
  });

  afterEach(async () => {
    await ctx.registry.close();
    await server.close();
  });

  it('never retries a POST without an Idempotency-Key', async () => {
    const err = await client
      .request({ method: 'POST', path: '/orders', body: { a: 1 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as DependencyUnavailableError).reason).toBe('failed');
    expect((err as DependencyUnavailableError).upstreamStatus).toBe(503);
    expect(server.hits).toBe(1);
    expect(await metricValue(ctx.promRegistry, 'resilience_retries_total', { dependency: DEP })).toBe(0);
  });

  it('never retries a PATCH, nor a call marked non-idempotent', async () => {
    await expect(client.request({ method: 'PATCH', path: '/x', body: {} })).rejects.toThrow(
      DependencyUnavailableError,
    );
    await expect(client.request({ method: 'GET', path: '/x', idempotent: false })).rejects.toThrow(
      DependencyUnavailableError,
    );
    expect(server.hits).toBe(2);
  });

  it('retries a GET up to the configured retries', async () => {
    await expect(client.request({ method: 'GET', path: '/products' })).rejects.toMatchObject({
      reason: 'failed',
    });
    expect(server.hits).toBe(3);
    expect(await metricValue(ctx.promRegistry, 'resilience_retries_total', { dependency: DEP })).toBe(2);
    expect(
      await metricValue(ctx.promRegistry, 'outbound_request_duration_seconds_count', {
        dependency: DEP,
        method: 'GET',
        outcome: 'server_error',
      }),
    ).toBe(3);
  });

  it('retries a POST that carries an Idempotency-Key', async () => {
    await expect(
      client.request({ method: 'POST', path: '/payments', headers: { 'Idempotency-Key': 'k-1' }, body: {} }),
    ).rejects.toThrow(DependencyUnavailableError);
    expect(server.hits).toBe(3);
    expect(server.requests.every((r) => r.headers['idempotency-key'] === 'k-1')).toBe(true);
  });

  it('succeeds when a retry succeeds', async () => {
    server.handler = (_req, res) => (server.hits < 2 ? json(res, 502, {}) : json(res, 200, { ok: true }));
    const res = await client.request<{ ok: boolean }>({ method: 'GET', path: '/flaky' });
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
    expect(server.hits).toBe(2);
  });

  it('returns 4xx as responses without retrying', async () => {
    server.handler = (_req, res) =>
      json(res, 404, { title: 'not found' }, { 'content-type': 'application/problem+json' });
    const res = await client.request({ method: 'GET', path: '/missing' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ title: 'not found' });
    expect(server.hits).toBe(1);
  });

  it('retries network errors on idempotent calls', async () => {
    server.handler = (req, res) => {
      if (server.hits === 1) req.socket.destroy();
      else json(res, 200, { ok: true });
    };
    const res = await client.request({ method: 'DELETE', path: '/items/1' });
    expect(res.status).toBe(200);
    expect(server.hits).toBe(2);
  });

  it('honours a 429 Retry-After that fits, and returns the 429 when retries are over', async () => {
    server.handler = (_req, res) => json(res, 429, { title: 'slow down' }, { 'retry-after': '0' });
    const res = await client.request({ method: 'GET', path: '/limited' });
    expect(res.status).toBe(429);
    expect(server.hits).toBe(3);
  });

  it('does not retry when Retry-After would pass the deadline, and passes the hint on', async () => {
    server.handler = (_req, res) => json(res, 503, {}, { 'retry-after': '5' });
    const err = (await client
      .request({ method: 'GET', path: '/busy', deadline: Date.now() + 1_000 })
      .catch((e: unknown) => e)) as DependencyUnavailableError;
    expect(err.reason).toBe('failed');
    expect(err.retryAfterMs).toBe(5_000);
    expect(server.hits).toBe(1);
  });
});
