import { DEADLINE_HEADER } from '@ha-shop/service-kit';
import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError, ServiceClient } from '../src';
import {
  BREAKER_NEVER,
  perTest,
  TestServer,
  envFor,
  json,
  metricValue,
  testRegistry,
  waitFor,
} from './support/test-server';

describe('timeout, deadline and bulkhead', () => {
  const t = perTest();

  it('aborts the in-flight request when the attempt times out', async () => {
    const dep = 'test→timeout';
    t.server = await TestServer.start(() => t.server!.hold()); // never answers on its own
    t.ctx = testRegistry(envFor(dep, { ...BREAKER_NEVER, timeoutMs: 100, retries: 0 }));
    const client = new ServiceClient({ dependency: dep, baseUrl: t.server.url, registry: t.ctx.registry });

    const err = await client.request({ method: 'GET', path: '/slow' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as DependencyUnavailableError).reason).toBe('timeout');
    // The server sees the connection go away: the request was cancelled, not left running.
    await waitFor(() => t.server!.aborted === 1);
    expect(t.server.inFlight).toBe(0);
    expect(await metricValue(t.ctx.promRegistry, 'resilience_timeouts_total', { dependency: dep })).toBe(1);
    expect(
      await metricValue(t.ctx.promRegistry, 'outbound_request_duration_seconds_count', {
        dependency: dep,
        method: 'GET',
        outcome: 'timeout',
      }),
    ).toBe(1);
  });

  it('retries an idempotent call after a timeout, each attempt aborted', async () => {
    const dep = 'test→timeout-retry';
    t.server = await TestServer.start(() => t.server!.hold());
    t.ctx = testRegistry(
      envFor(dep, { ...BREAKER_NEVER, timeoutMs: 80, retries: 1, retryBaseMs: 1, retryMaxMs: 2 }),
    );
    const client = new ServiceClient({ dependency: dep, baseUrl: t.server.url, registry: t.ctx.registry });
    await expect(client.request({ method: 'GET', path: '/slow' })).rejects.toMatchObject({
      reason: 'timeout',
    });
    await waitFor(() => t.server!.aborted === 2);
    expect(t.server.hits).toBe(2);
  });

  it('never waits past the deadline, even with a longer timeout, and tells the callee', async () => {
    const dep = 'test→deadline';
    t.server = await TestServer.start(() => t.server!.hold());
    t.ctx = testRegistry(envFor(dep, { ...BREAKER_NEVER, timeoutMs: 5_000, retries: 2 }));
    const client = new ServiceClient({ dependency: dep, baseUrl: t.server.url, registry: t.ctx.registry });

    const started = Date.now();
    const deadline = started + 100;
    const err = await client.request({ method: 'GET', path: '/slow', deadline }).catch((e: unknown) => e);
    const waited = Date.now() - started;
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as DependencyUnavailableError).reason).toBe('timeout');
    // Far below the 5 s attempt timeout: the deadline, not the timeout, ended the wait.
    expect(waited).toBeLessThan(1_500);
    expect(t.server.requests[0].headers[DEADLINE_HEADER]).toBe(String(deadline));
    await waitFor(() => t.server!.aborted === 1);
    expect(t.server.hits).toBe(1); // no retry once the deadline has passed
  });

  it('does not call at all when the deadline has already passed', async () => {
    const dep = 'test→deadline-past';
    t.server = await TestServer.start((_req, res) => json(res, 200, {}));
    t.ctx = testRegistry(envFor(dep, BREAKER_NEVER));
    const client = new ServiceClient({ dependency: dep, baseUrl: t.server.url, registry: t.ctx.registry });
    await expect(
      client.request({ method: 'GET', path: '/', deadline: Date.now() - 1 }),
    ).rejects.toMatchObject({
      reason: 'timeout',
    });
    expect(t.server.hits).toBe(0);
  });

  it("ends the call when the caller's signal aborts", async () => {
    const dep = 'test→caller-abort';
    t.server = await TestServer.start(() => t.server!.hold());
    t.ctx = testRegistry(envFor(dep, { ...BREAKER_NEVER, timeoutMs: 5_000 }));
    const client = new ServiceClient({ dependency: dep, baseUrl: t.server.url, registry: t.ctx.registry });
    const ctrl = new AbortController();
    const pending = client.request({ method: 'GET', path: '/', signal: ctrl.signal });
    await waitFor(() => t.server!.inFlight === 1);
    ctrl.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
    await waitFor(() => t.server!.aborted === 1);
    expect(t.ctx.registry.get(dep).breakerState).toBe('closed');
  });

  it('caps concurrency at the bulkhead limit and rejects beyond the queue', async () => {
    const dep = 'test→bulkhead';
    t.server = await TestServer.start(async (_req, res) => {
      await t.server!.hold();
      json(res, 200, { ok: true });
    });
    t.ctx = testRegistry(
      envFor(dep, { ...BREAKER_NEVER, bulkheadLimit: 2, bulkheadQueue: 1, timeoutMs: 5_000, retries: 2 }),
    );
    const client = new ServiceClient({ dependency: dep, baseUrl: t.server.url, registry: t.ctx.registry });

    const calls = Array.from({ length: 5 }, (_, i) => client.request({ method: 'GET', path: `/${i}` }));
    const settled = Promise.allSettled(calls);
    // Two run, one waits in the queue, two are turned away at once (and are not retried).
    const rejected = await Promise.allSettled(calls.slice(3));
    for (const r of rejected) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toMatchObject({ reason: 'bulkhead-full' });
    }
    await waitFor(() => t.server!.inFlight === 2);
    expect(t.ctx.registry.states()[dep]).toMatchObject({ executionSlots: 0, queueSlots: 0 });
    // Release in waves until all admitted calls are answered.
    while (t.server.hits < 3 || t.server.inFlight > 0) {
      t.server.release();
      await new Promise((r) => setTimeout(r, 10));
    }
    const results = await settled;
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(t.server.maxInFlight).toBe(2);
    expect(t.server.hits).toBe(3);
    expect(
      await metricValue(t.ctx.promRegistry, 'resilience_bulkhead_rejections_total', { dependency: dep }),
    ).toBe(2);
  });
});
