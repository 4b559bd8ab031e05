import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ProblemException } from '@ha-shop/service-kit';
import {
  DependencyHealthDetails,
  DependencyUnavailableError,
  PolicyRegistry,
  ResilienceModule,
  dependencyErrorToProblem,
} from '../src';

@Module({ providers: [DependencyHealthDetails] })
class ConsumerModule {}

describe('ResilienceModule', () => {
  it('provides one global PolicyRegistry and a dependencies health-details provider', async () => {
    const metricsRegistry = new Registry();
    @Module({ imports: [ResilienceModule.forRoot({ env: {}, metricsRegistry }), ConsumerModule] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    try {
      const registry = app.get(PolicyRegistry);
      // The consumer module's own instance sees the same registry (as HealthModule's will).
      const details = app.select(ConsumerModule).get(DependencyHealthDetails);
      registry.get('checkout→product');
      expect(details.name).toBe('dependencies');
      expect(details.details()).toMatchObject({ 'checkout→product': { state: 'closed' } });
      expect(metricsRegistry.getSingleMetric('circuit_breaker_state')).toBeDefined();
    } finally {
      await app.close();
    }
  });
});

describe('dependencyErrorToProblem', () => {
  it('maps an open breaker to 503 with Retry-After', () => {
    const problem = dependencyErrorToProblem(
      new DependencyUnavailableError('checkout→product', 'circuit-open', { retryAfterMs: 4_200 }),
    );
    expect(problem.getStatus()).toBe(503);
    expect(problem.headers['retry-after']).toBe('5');
    expect(problem.extensions).toEqual({ dependency: 'product', reason: 'circuit-open' });
  });

  it('maps a timeout to 504', () => {
    const problem = dependencyErrorToProblem(new DependencyUnavailableError('checkout→payment', 'timeout'));
    expect(problem.getStatus()).toBe(504);
    expect(problem.slug).toBe('dependency-timeout');
  });

  it('returns other errors unchanged', () => {
    const err = new Error('boom');
    expect(dependencyErrorToProblem(err)).toBe(err);
    expect(dependencyErrorToProblem(new DependencyUnavailableError('x', 'bulkhead-full'))).toBeInstanceOf(
      ProblemException,
    );
  });
});
