import { counter, gauge, histogram } from '@ha-shop/observability';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { register as defaultRegister } from 'prom-client';

export type BreakerStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/** Numeric encoding of `circuit_breaker_state` (matches cockatiel's CircuitState enum). */
export const BREAKER_STATE_VALUE: Record<BreakerStateName, number> = {
  closed: 0,
  open: 1,
  'half-open': 2,
  isolated: 3,
};

export type OutboundOutcome =
  | 'success'
  | 'client_error'
  | 'server_error'
  | 'timeout'
  | 'circuit_open'
  | 'bulkhead_full'
  | 'network_error';

/**
 * The resilience metrics of one process. Safe to construct several times on one registry
 * (several services booted in one test process): existing metrics are reused by name.
 */
export class ResilienceMetrics {
  readonly breakerState: Gauge<'dependency'>;
  readonly breakerTransitions: Counter<'dependency' | 'to'>;
  readonly retries: Counter<'dependency'>;
  readonly timeouts: Counter<'dependency'>;
  readonly bulkheadRejections: Counter<'dependency'>;
  readonly retryBudgetExhausted: Counter<'dependency'>;
  readonly outboundDuration: Histogram<'dependency' | 'method' | 'outcome'>;

  constructor(readonly registry: Registry = defaultRegister) {
    this.breakerState = gauge(
      'circuit_breaker_state',
      'Circuit breaker state per dependency (0 closed, 1 open, 2 half-open, 3 isolated)',
      ['dependency'],
      registry,
    );
    this.breakerTransitions = counter(
      'circuit_breaker_transitions_total',
      'Circuit breaker state changes per dependency, by the state entered',
      ['dependency', 'to'],
      registry,
    );
    const perDependency = (name: string, help: string) => counter(name, help, ['dependency'], registry);
    this.retries = perDependency('resilience_retries_total', 'Retries of idempotent calls per dependency');
    this.timeouts = perDependency('resilience_timeouts_total', 'Attempts aborted by the per-attempt timeout');
    this.bulkheadRejections = perDependency(
      'resilience_bulkhead_rejections_total',
      'Calls rejected because the bulkhead and its queue were full',
    );
    this.retryBudgetExhausted = perDependency(
      'resilience_retry_budget_exhausted_total',
      'Retries skipped because the retry budget was spent',
    );
    this.outboundDuration = histogram(
      'outbound_request_duration_seconds',
      'Duration of calls to other services per attempt, by outcome',
      ['dependency', 'method', 'outcome'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registry,
    );
  }

  setBreakerState(dependency: string, state: BreakerStateName): void {
    this.breakerState.set({ dependency }, BREAKER_STATE_VALUE[state]);
  }

  /** Pre-create the series of a dependency so dashboards show zeros rather than gaps. */
  initDependency(dependency: string): void {
    this.setBreakerState(dependency, 'closed');
    for (const c of [this.retries, this.timeouts, this.bulkheadRejections, this.retryBudgetExhausted]) {
      c.inc({ dependency }, 0);
    }
  }
}
