import { Counter, Gauge, Histogram, Registry, register as defaultRegister } from 'prom-client';

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
    this.breakerState = this.reuse(
      'circuit_breaker_state',
      () =>
        new Gauge({
          name: 'circuit_breaker_state',
          help: 'Circuit breaker state per dependency (0 closed, 1 open, 2 half-open, 3 isolated)',
          labelNames: ['dependency'],
          registers: [registry],
        }),
    );
    this.breakerTransitions = this.reuse(
      'circuit_breaker_transitions_total',
      () =>
        new Counter({
          name: 'circuit_breaker_transitions_total',
          help: 'Circuit breaker state changes per dependency, by the state entered',
          labelNames: ['dependency', 'to'],
          registers: [registry],
        }),
    );
    this.retries = this.counter('resilience_retries_total', 'Retries of idempotent calls per dependency');
    this.timeouts = this.counter('resilience_timeouts_total', 'Attempts aborted by the per-attempt timeout');
    this.bulkheadRejections = this.counter(
      'resilience_bulkhead_rejections_total',
      'Calls rejected because the bulkhead and its queue were full',
    );
    this.retryBudgetExhausted = this.counter(
      'resilience_retry_budget_exhausted_total',
      'Retries skipped because the retry budget was spent',
    );
    this.outboundDuration = this.reuse(
      'outbound_request_duration_seconds',
      () =>
        new Histogram({
          name: 'outbound_request_duration_seconds',
          help: 'Duration of calls to other services per attempt, by outcome',
          labelNames: ['dependency', 'method', 'outcome'],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers: [registry],
        }),
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

  private counter(name: string, help: string): Counter<'dependency'> {
    return this.reuse(
      name,
      () => new Counter({ name, help, labelNames: ['dependency'], registers: [this.registry] }),
    );
  }

  private reuse<M>(name: string, create: () => M): M {
    return (this.registry.getSingleMetric(name) as M | undefined) ?? create();
  }
}
