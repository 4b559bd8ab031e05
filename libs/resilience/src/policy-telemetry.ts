import { BulkheadPolicy, CircuitBreakerPolicy, CircuitState, RetryPolicy, TimeoutPolicy } from 'cockatiel';
import { AttemptFailure } from './attempt';
import { LogThrottle } from './log-throttle';
import type { BreakerStateName, OutboundOutcome, ResilienceMetrics } from './metrics';
import type { DependencyPolicyConfig } from './policy-defaults';

export interface ResilienceLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export const BREAKER_STATE_NAMES: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** The cockatiel policies of one dependency whose events are reported. */
export interface ObservedPolicies {
  breaker: CircuitBreakerPolicy;
  retry: RetryPolicy;
  timeout: TimeoutPolicy;
  bulkhead: BulkheadPolicy;
}

/**
 * Metrics and logs of one dependency's policies, kept apart from how the policies are
 * composed so that reading the pipeline does not mean reading every counter. Both the
 * metrics and the logger are optional: a policy works the same without them.
 */
export class PolicyTelemetry {
  private readonly logThrottle: LogThrottle;

  constructor(
    private readonly dependency: string,
    private readonly config: DependencyPolicyConfig,
    private readonly metrics?: ResilienceMetrics,
    private readonly logger?: ResilienceLogger,
    /** Per-request events (retry, timeout, rejection) are logged at most once per this long, each kind. */
    logIntervalMs = 1000,
  ) {
    this.logThrottle = new LogThrottle(logIntervalMs);
    this.metrics?.initDependency(dependency);
  }

  /** One attempt's duration, or a call refused before any attempt (duration 0). */
  recordAttempt(method: string, outcome: OutboundOutcome, ms: number): void {
    this.metrics?.outboundDuration.observe({ dependency: this.dependency, method, outcome }, ms / 1000);
  }

  retryBudgetExhausted(): void {
    this.metrics?.retryBudgetExhausted.inc({ dependency: this.dependency });
  }

  observe(p: ObservedPolicies): void {
    const dependency = this.dependency;
    p.breaker.onStateChange((state) => {
      const to = BREAKER_STATE_NAMES[state];
      this.metrics?.setBreakerState(dependency, to);
      this.metrics?.breakerTransitions.inc({ dependency, to });
    });
    p.breaker.onBreak((reason) => {
      const cause =
        'error' in reason ? (reason.error as Error).message : 'isolated' in reason ? 'isolated' : 'failure';
      this.logger?.warn(
        { dependency, cause, halfOpenAfterMs: this.config.breakerHalfOpenAfterMs },
        `circuit breaker for ${dependency} opened`,
      );
    });
    p.breaker.onHalfOpen(() =>
      this.logger?.info({ dependency }, `circuit breaker for ${dependency} half-open`),
    );
    p.breaker.onReset(() => this.logger?.info({ dependency }, `circuit breaker for ${dependency} closed`));
    // Retries, timeouts and rejections are per-request events: every one is counted, but logged
    // at most once per logIntervalMs (1 s) and kind, so an outage cannot flood the logs.
    p.retry.onRetry((event) => {
      this.metrics?.retries.inc({ dependency });
      const failure = 'error' in event && event.error instanceof AttemptFailure ? event.error : undefined;
      this.logThrottled('info', 'retry', `retrying a call to ${dependency}`, {
        attempt: event.attempt,
        delayMs: Math.round(event.delay),
        reason: failure?.kind ?? 'failed',
        ...(failure?.upstreamStatus ? { upstreamStatus: failure.upstreamStatus } : {}),
      });
    });
    p.timeout.onTimeout(() => {
      this.metrics?.timeouts.inc({ dependency });
      this.logThrottled('warn', 'timeout', `an attempt to call ${dependency} timed out`, {
        timeoutMs: this.config.timeoutMs,
      });
    });
    p.bulkhead.onReject(() => {
      this.metrics?.bulkheadRejections.inc({ dependency });
      const { bulkheadLimit: limit, bulkheadQueue: queue } = this.config;
      this.logThrottled('warn', 'bulkhead-full', `bulkhead for ${dependency} full, rejecting calls`, {
        limit,
        queue,
      });
    });
  }

  private logThrottled(level: 'info' | 'warn', event: string, msg: string, fields: object): void {
    if (!this.logger) return;
    const suppressed = this.logThrottle.take(event);
    if (suppressed === undefined) return;
    // `suppressed`: lines of this kind left out since the previous one.
    this.logger[level](
      { dependency: this.dependency, event, ...fields, ...(suppressed ? { suppressed } : {}) },
      msg,
    );
  }
}
