import { Body, Controller, Get, Module, Put } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, bootService, expectProblem, testEnv } from '@ha-shop/testkit';
import { BaseEnv, RunningService } from '../src';
import { HealthModule } from '../src/health/health.module';
import { ServiceConfigModule } from '../src/config/service-config.module';
import { ServiceLoggerModule } from '../src/logging/logger.module';

const SECRET = 'fault-secret-for-tests';

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return { items: [] };
  }
}

/** A service with its own richer switch at the same path, like payment-service. */
@Controller('internal/faults')
class OwnFaultsController {
  @Put()
  set(@Body() body: unknown) {
    return { own: true, body };
  }
}

function moduleWith(secret: string | undefined, controllers: Array<new () => unknown>) {
  @Module({
    imports: [
      ServiceConfigModule.forRoot(
        BaseEnv,
        testEnv({ DATABASE_URL: 'postgres://x@127.0.0.1:1/none', FAULT_INJECTION_SECRET: secret }),
      ),
      ServiceLoggerModule.forRoot('fault-test', 'silent'),
      HealthModule.forRoot(),
    ],
    controllers,
  })
  class FaultTestModule {}
  return FaultTestModule;
}

describe('generic fault-injection switch', () => {
  let service: RunningService;
  let api: ReturnType<typeof apiClient>;
  const auth = { headers: { 'x-fault-secret': SECRET } };

  beforeAll(async () => {
    service = await bootService(moduleWith(SECRET, [ThingsController]), 'fault-test');
    api = apiClient(service.url);
  });
  afterAll(() => service.shutdown());

  it('refuses changes without the secret', async () => {
    expectProblem(await api.put('/internal/faults', { errorRate: 1 }), 403);
    expectProblem(
      await api.put('/internal/faults', { errorRate: 1 }, { headers: { 'x-fault-secret': 'nope' } }),
      403,
    );
    expect((await api.get('/things')).status).toBe(200);
  });

  it('rejects malformed settings', async () => {
    expectProblem(await api.put('/internal/faults', { errorRate: 2 }, auth), 400);
    expectProblem(await api.put('/internal/faults', { latencyMs: -1 }, auth), 400);
    expectProblem(await api.put('/internal/faults', { errorRate: 0, extra: 1 }, auth), 400);
  });

  it('injects errors on app routes but never on health probes, and heals', async () => {
    const set = await api.put('/internal/faults', { latencyMs: 0, errorRate: 1 }, auth);
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ latencyMs: 0, errorRate: 1 });
    const failed = await api.get('/things');
    expectProblem(failed, 503);
    expect(failed.body.type).toContain('fault-injected');
    expect((await api.get('/health/live')).status).toBe(200);
    expect((await api.get('/internal/faults', auth)).body).toEqual({ latencyMs: 0, errorRate: 1 });

    // Fields left out keep their value.
    expect((await api.put('/internal/faults', { latencyMs: 5 }, auth)).body).toEqual({
      latencyMs: 5,
      errorRate: 1,
    });
    await api.put('/internal/faults', { latencyMs: 0, errorRate: 0 }, auth);
    expect((await api.get('/things')).status).toBe(200);
  });

  it('does not exist without a secret', async () => {
    const plain = await bootService(moduleWith(undefined, [ThingsController]), 'fault-test');
    try {
      expectProblem(await apiClient(plain.url).put('/internal/faults', { errorRate: 1 }, auth), 404);
    } finally {
      await plain.shutdown();
    }
  });

  it("leaves a service's own switch at the same path alone", async () => {
    const own = await bootService(moduleWith(SECRET, [ThingsController, OwnFaultsController]), 'fault-test');
    try {
      const res = await apiClient(own.url).put('/internal/faults', { outageRate: 1 }, auth);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ own: true, body: { outageRate: 1 } });
    } finally {
      await own.shutdown();
    }
  });
});
