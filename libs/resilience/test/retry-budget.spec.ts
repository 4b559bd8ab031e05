import { afterEach, describe, expect, it } from 'vitest';
import { ServiceClient } from '../src';
import { RetryBudget } from '../src/retry-budget';
import { BREAKER_NEVER, TestServer, envFor, json, metricValue, testRegistry } from './support/test-server';

describe('retry budget', () => {
  let server: TestServer | undefined;

  afterEach(async () => {
    await server?.close();
  });

  it('bounds total attempts under a failing dependency to requests × (1 + ratio) + burst', async () => {
    const dep = 'test→budget';
    const ratio = 0.2;
    const burst = 3;
    const retries = 3;
    server = await TestServer.start((_req, res) => json(res, 500, {}));
    const { registry, promRegistry } = testRegistry(
      envFor(dep, {
        ...BREAKER_NEVER,
        retries,
        retryBaseMs: 1,
        retryMaxMs: 2,
        retryBudgetRatio: ratio,
        retryBudgetBurst: burst,
      }),
    );
    // Several clients of the same dependency: the budget is per dependency, not per client.
    const clients = [0, 1, 2].map(
      () => new ServiceClient({ dependency: dep, baseUrl: server!.url, registry }),
    );
    const requests = 60;
    for (let batch = 0; batch < requests / 6; batch++) {
      await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          clients[i % 3].request({ method: 'GET', path: `/p/${batch}-${i}` }),
        ),
      );
    }
    // Unbudgeted this would be requests × (1 + retries) = 240 attempts.
    expect(server.hits).toBeLessThanOrEqual(Math.floor(requests * (1 + ratio) + burst));
    expect(server.hits).toBeGreaterThan(requests); // the budget allows some retries
    expect(
      await metricValue(promRegistry, 'resilience_retry_budget_exhausted_total', { dependency: dep }),
    ).toBeGreaterThan(0);
    await registry.close();
  });

  it('refills with successful traffic, capped at the burst', () => {
    const budget = new RetryBudget(0.5, 2);
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(false);
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(false);
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(true);
    for (let i = 0; i < 100; i++) budget.deposit();
    expect(budget.available).toBe(2);
  });
});
