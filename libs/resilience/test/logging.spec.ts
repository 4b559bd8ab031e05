import { describe, expect, it } from 'vitest';
import { ServiceClient } from '../src';
import { LogThrottle } from '../src/log-throttle';
import {
  BREAKER_NEVER,
  perTest,
  TestServer,
  capturedLogger,
  envFor,
  json,
  metricValue,
  testRegistry,
  waitFor,
} from './support/test-server';

describe('logging of retries, timeouts and bulkhead rejections', () => {
  const t = perTest();

  it('logs each retry at info with its attempt and cause', async () => {
    const dep = 'test→log-retry';
    t.server = await TestServer.start((_req, res) => json(res, 503, { title: 'down' }));
    const log = capturedLogger();
    t.ctx = testRegistry(envFor(dep, { ...BREAKER_NEVER, retries: 2, retryBaseMs: 1, retryMaxMs: 5 }), {
      logger: log.logger,
      logIntervalMs: 0,
    });
    const client = new ServiceClient({ dependency: dep, baseUrl: t.server.url, registry: t.ctx.registry });
    await expect(client.request({ method: 'GET', path: '/x' })).rejects.toMatchObject({ reason: 'failed' });

    const retries = log.of('retry');
    expect(retries).toHaveLength(2);
    expect(retries.map((l) => l.fields.attempt)).toEqual([1, 2]);
    for (const line of retries) {
      expect(line.level).toBe('info');
      expect(line.msg).toContain(dep);
      expect(line.fields).toMatchObject({ dependency: dep, reason: 'failed', upstreamStatus: 503 });
      expect(line.fields.delayMs).toEqual(expect.any(Number));
      expect(line.fields).not.toHaveProperty('suppressed');
    }
  });

  it('logs an attempt timeout at warn', async () => {
    const dep = 'test→log-timeout';
    t.server = await TestServer.start(() => t.server!.hold());
    const log = capturedLogger();
    t.ctx = testRegistry(envFor(dep, { ...BREAKER_NEVER, timeoutMs: 50, retries: 0 }), {
      logger: log.logger,
      logIntervalMs: 0,
    });
    const client = new ServiceClient({ dependency: dep, baseUrl: t.server.url, registry: t.ctx.registry });
    await expect(client.request({ method: 'GET', path: '/slow' })).rejects.toMatchObject({
      reason: 'timeout',
    });
    expect(log.of('timeout')).toEqual([
      {
        level: 'warn',
        fields: { dependency: dep, event: 'timeout', timeoutMs: 50 },
        msg: `an attempt to call ${dep} timed out`,
      },
    ]);
  });

  it('logs a full bulkhead at warn', async () => {
    const dep = 'test→log-bulkhead';
    t.server = await TestServer.start(async (_req, res) => {
      await t.server!.hold();
      json(res, 200, {});
    });
    const log = capturedLogger();
    t.ctx = testRegistry(
      envFor(dep, { ...BREAKER_NEVER, bulkheadLimit: 1, bulkheadQueue: 0, retries: 0, timeoutMs: 5_000 }),
      { logger: log.logger, logIntervalMs: 0 },
    );
    const client = new ServiceClient({ dependency: dep, baseUrl: t.server.url, registry: t.ctx.registry });
    const held = client.request({ method: 'GET', path: '/held' });
    await waitFor(() => t.server!.inFlight === 1);
    await expect(client.request({ method: 'GET', path: '/more' })).rejects.toMatchObject({
      reason: 'bulkhead-full',
    });
    t.server.release();
    expect((await held).status).toBe(200);
    expect(log.of('bulkhead-full')).toEqual([
      expect.objectContaining({
        level: 'warn',
        fields: { dependency: dep, event: 'bulkhead-full', limit: 1, queue: 0 },
      }),
    ]);
  });

  it('rate-limits the lines while every event is still counted', async () => {
    const dep = 'test→log-flood';
    t.server = await TestServer.start((_req, res) => json(res, 503, { title: 'down' }));
    const log = capturedLogger();
    // An interval far longer than the test: every line after the first is held back.
    t.ctx = testRegistry(
      envFor(dep, { ...BREAKER_NEVER, retries: 2, retryBaseMs: 1, retryMaxMs: 2, retryBudgetBurst: 100 }),
      { logger: log.logger, logIntervalMs: 60_000 },
    );
    const client = new ServiceClient({ dependency: dep, baseUrl: t.server.url, registry: t.ctx.registry });
    for (let i = 0; i < 5; i++) {
      await expect(client.request({ method: 'GET', path: '/x' })).rejects.toMatchObject({ reason: 'failed' });
    }
    expect(await metricValue(t.ctx.promRegistry, 'resilience_retries_total', { dependency: dep })).toBe(10);
    expect(log.of('retry')).toHaveLength(1);
  });
});

describe('LogThrottle', () => {
  it('lets one line per key and interval through and reports how many it held back', () => {
    let now = 1_000;
    const throttle = new LogThrottle(1_000, () => now);
    expect(throttle.take('retry')).toBe(0);
    expect(throttle.take('retry')).toBeUndefined();
    now += 999;
    expect(throttle.take('retry')).toBeUndefined();
    // Another kind has its own allowance.
    expect(throttle.take('timeout')).toBe(0);
    now += 1;
    expect(throttle.take('retry')).toBe(2);
    expect(throttle.take('retry')).toBeUndefined();
    now += 5_000;
    expect(throttle.take('retry')).toBe(1);
    expect(throttle.take('timeout')).toBe(0);
  });
});
