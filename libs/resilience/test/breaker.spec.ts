import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DependencyUnavailableError, ServiceClient } from '../src';
import { TestServer, envFor, json, metricValue, sleep, testRegistry } from './support/test-server';

const DEP = 'test→breaker';
const HALF_OPEN_AFTER = 150;

describe('shared circuit breaker', () => {
  let server: TestServer;
  let ctx: ReturnType<typeof testRegistry>;
  let healthy = false;

  beforeEach(async () => {
    healthy = false;
    server = await TestServer.start((_req, res) =>
      healthy ? json(res, 200, { ok: true }) : json(res, 500, {}),
    );
    // Judges once 6 calls are in the 1 s window; opens at > 50 % failures; no retries so counts are exact.
    ctx = testRegistry(
      envFor(DEP, {
        retries: 0,
        breakerThreshold: 0.5,
        breakerSamplingMs: 1_000,
        breakerMinimumRps: 6,
        breakerHalfOpenAfterMs: HALF_OPEN_AFTER,
        timeoutMs: 1_000,
      }),
    );
  });

  afterEach(async () => {
    await ctx.registry.close();
    await server.close();
  });

  it('opens on failures from many clients, fails fast, half-opens and closes, with metrics', async () => {
    const a = new ServiceClient({ dependency: DEP, baseUrl: server.url, registry: ctx.registry });
    const b = new ServiceClient({ dependency: DEP, baseUrl: () => server.url, registry: ctx.registry });
    const policy = ctx.registry.get(DEP);
    expect(policy).toBe(ctx.registry.get(DEP)); // created once, reused

    // Three callers, each alone below the breaker's minimum: only their sum can open it.
    for (let i = 0; i < 2; i++)
      await expect(a.request({ method: 'GET', path: '/a' })).rejects.toMatchObject({ reason: 'failed' });
    for (let i = 0; i < 2; i++)
      await expect(b.request({ method: 'POST', path: '/b' })).rejects.toMatchObject({ reason: 'failed' });
    await expect(
      policy.execute(async () => Promise.reject(new Error('raw failure')), { idempotent: true }),
    ).rejects.toMatchObject({ reason: 'failed' });
    expect(policy.breakerState).toBe('closed');
    await expect(b.request({ method: 'GET', path: '/b' })).rejects.toMatchObject({ reason: 'failed' });
    expect(policy.breakerState).toBe('open');
    expect(ctx.registry.states()[DEP].state).toBe('open');

    // Open: fail fast without reaching the server, for every client.
    const hitsWhenOpened = server.hits;
    for (const c of [a, b]) {
      const err = await c.request({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DependencyUnavailableError);
      expect((err as DependencyUnavailableError).reason).toBe('circuit-open');
      expect((err as DependencyUnavailableError).retryAfterMs).toBeGreaterThan(0);
    }
    expect(server.hits).toBe(hitsWhenOpened);
    expect(await metricValue(ctx.promRegistry, 'circuit_breaker_state', { dependency: DEP })).toBe(1);
    expect(
      await metricValue(ctx.promRegistry, 'circuit_breaker_transitions_total', {
        dependency: DEP,
        to: 'open',
      }),
    ).toBe(1);
    expect(
      await metricValue(ctx.promRegistry, 'outbound_request_duration_seconds_count', {
        dependency: DEP,
        method: 'GET',
        outcome: 'circuit_open',
      }),
    ).toBe(2);

    // After the configured time, one test call goes through; its success closes the breaker.
    healthy = true;
    await sleep(HALF_OPEN_AFTER + 50);
    const res = await a.request({ method: 'GET', path: '/probe' });
    expect(res.status).toBe(200);
    expect(server.hits).toBe(hitsWhenOpened + 1);
    expect(policy.breakerState).toBe('closed');
    expect(await metricValue(ctx.promRegistry, 'circuit_breaker_state', { dependency: DEP })).toBe(0);
    expect(
      await metricValue(ctx.promRegistry, 'circuit_breaker_transitions_total', {
        dependency: DEP,
        to: 'half-open',
      }),
    ).toBe(1);
    expect(
      await metricValue(ctx.promRegistry, 'circuit_breaker_transitions_total', {
        dependency: DEP,
        to: 'closed',
      }),
    ).toBe(1);
  });

  it('re-opens when the half-open test call fails', async () => {
    const c = new ServiceClient({ dependency: DEP, baseUrl: server.url, registry: ctx.registry });
    for (let i = 0; i < 6; i++) await c.request({ method: 'GET', path: '/' }).catch(() => undefined);
    expect(ctx.registry.get(DEP).breakerState).toBe('open');
    await sleep(HALF_OPEN_AFTER + 50);
    await expect(c.request({ method: 'GET', path: '/' })).rejects.toMatchObject({ reason: 'failed' });
    expect(ctx.registry.get(DEP).breakerState).toBe('open');
    expect(
      await metricValue(ctx.promRegistry, 'circuit_breaker_transitions_total', {
        dependency: DEP,
        to: 'open',
      }),
    ).toBe(2);
  });

  it('does not count 4xx answers as failures', async () => {
    server.handler = (_req, res) => json(res, 422, { title: 'invalid' });
    const c = new ServiceClient({ dependency: DEP, baseUrl: server.url, registry: ctx.registry });
    for (let i = 0; i < 10; i++) expect((await c.request({ method: 'POST', path: '/' })).status).toBe(422);
    expect(ctx.registry.get(DEP).breakerState).toBe('closed');
  });

  it('returns the fallback value while the breaker is open', async () => {
    const policy = ctx.registry.get(DEP);
    const c = new ServiceClient({ dependency: DEP, baseUrl: server.url, registry: ctx.registry });
    for (let i = 0; i < 6; i++) await c.request({ method: 'GET', path: '/' }).catch(() => undefined);
    expect(policy.breakerState).toBe('open');
    const hits = server.hits;
    // Any async work can run under the policy, here a plain fetch with the policy's signal.
    const value = await policy.execute(
      async (signal) => (await fetch(`${server.url}/kpis`, { signal })).json(),
      {
        idempotent: true,
        fallback: () => ({ cached: true }),
      },
    );
    expect(value).toEqual({ cached: true });
    expect(server.hits).toBe(hits);
  });

  it('can be isolated by hand, reported as isolated', async () => {
    const policy = ctx.registry.get(DEP);
    const handle = policy.isolate();
    expect(ctx.registry.states()[DEP].state).toBe('isolated');
    await expect(policy.execute(async () => 'x', { idempotent: true })).rejects.toMatchObject({
      reason: 'circuit-open',
    });
    expect(await metricValue(ctx.promRegistry, 'circuit_breaker_state', { dependency: DEP })).toBe(3);
    handle.dispose();
    await expect(policy.execute(async () => 'x', { idempotent: true })).resolves.toBe('x');
  });
});
