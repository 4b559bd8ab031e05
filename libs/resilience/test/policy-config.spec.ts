import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PolicyRegistry } from '../src';
import { ResilienceMetrics } from '../src/metrics';
import { PolicyConfigError, dependencyEnvKey, policyConfigFor, policyEnvVar } from '../src/policy-config';
import { DEFAULT_POLICIES } from '../src/policy-defaults';

describe('policy config', () => {
  it('has a row for every named dependency and a default', () => {
    for (const key of [
      'default',
      'checkout→product',
      'checkout→payment',
      'analytics→feed',
      'storefront→api',
      'edge→replica',
    ]) {
      expect(DEFAULT_POLICIES[key]).toBeDefined();
      expect(() => policyConfigFor(key, {})).not.toThrow();
    }
  });

  it('names env vars RESILIENCE_<DEP>_<FIELD> with → as _TO_', () => {
    expect(dependencyEnvKey('checkout→product')).toBe('CHECKOUT_TO_PRODUCT');
    expect(policyEnvVar('checkout→product', 'timeoutMs')).toBe('RESILIENCE_CHECKOUT_TO_PRODUCT_TIMEOUT_MS');
    expect(policyEnvVar('edge→replica#127.0.0.1:3001', 'breakerHalfOpenAfterMs')).toBe(
      'RESILIENCE_EDGE_TO_REPLICA_BREAKER_HALF_OPEN_AFTER_MS',
    );
  });

  it('overrides one field from env and keeps the others', () => {
    const config = policyConfigFor('checkout→product', {
      RESILIENCE_CHECKOUT_TO_PRODUCT_TIMEOUT_MS: '800',
      RESILIENCE_CHECKOUT_TO_PRODUCT_RETRY_BUDGET_RATIO: '0.05',
      RESILIENCE_CHECKOUT_TO_PAYMENT_TIMEOUT_MS: '1', // another dependency: ignored
    });
    expect(config.timeoutMs).toBe(800);
    expect(config.retryBudgetRatio).toBe(0.05);
    expect(config.retries).toBe(DEFAULT_POLICIES['checkout→product'].retries);
    expect(
      policyConfigFor('checkout→product', { RESILIENCE_CHECKOUT_TO_PRODUCT_TIMEOUT_MS: '123' }).timeoutMs,
    ).toBe(123);
  });

  it('applies the override to the policy the registry builds', () => {
    const registry = new PolicyRegistry({
      env: { RESILIENCE_CHECKOUT_TO_PRODUCT_TIMEOUT_MS: '321' },
      metrics: new ResilienceMetrics(new Registry()),
    });
    expect(registry.get('checkout→product').config.timeoutMs).toBe(321);
  });

  it('uses the default row (itself overridable) for unknown dependencies, and the base row for instances', () => {
    const env = { RESILIENCE_DEFAULT_RETRIES: '0', RESILIENCE_FOO_TO_BAR_TIMEOUT_MS: '42' };
    expect(policyConfigFor('foo→bar', env)).toMatchObject({ retries: 0, timeoutMs: 42 });
    expect(policyConfigFor('edge→replica#127.0.0.1:3001', {})).toEqual(policyConfigFor('edge→replica', {}));
  });

  it('rejects invalid values at startup', () => {
    expect(() =>
      policyConfigFor('checkout→product', { RESILIENCE_CHECKOUT_TO_PRODUCT_TIMEOUT_MS: 'soon' }),
    ).toThrow(PolicyConfigError);
    expect(() =>
      policyConfigFor('checkout→product', { RESILIENCE_CHECKOUT_TO_PRODUCT_BREAKER_THRESHOLD: '1.5' }),
    ).toThrow(/breakerThreshold/);
    expect(() =>
      policyConfigFor('checkout→product', { RESILIENCE_CHECKOUT_TO_PRODUCT_RETRIES: '-1' }),
    ).toThrow(/retries/);
  });

  it('lets two metric sets share one prom-client registry', () => {
    const prom = new Registry();
    const a = new ResilienceMetrics(prom);
    const b = new ResilienceMetrics(prom);
    expect(b.breakerState).toBe(a.breakerState);
  });
});
