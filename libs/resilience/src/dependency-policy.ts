import {
  BulkheadPolicy,
  CircuitBreakerPolicy,
  CircuitState,
  IPolicy,
  IRetryContext,
  RetryPolicy,
  SamplingBreaker,
  TimeoutPolicy,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  fallback,
  TaskCancelledError,
  handleWhen,
  retry,
  timeout,
  wrap,
} from 'cockatiel';
import {
  AttemptFailure,
  CallAborted,
  CallState,
  classifyAttemptError,
  isBulkheadRejected,
  isCircuitOpen,
  outcomeOfError,
  raceAbort,
  retryBackoff,
} from './attempt';
import { DependencyUnavailableError } from './errors';
import { LogThrottle } from './log-throttle';
import type { BreakerStateName, OutboundOutcome, ResilienceMetrics } from './metrics';
import { DEFAULT_RETRY_BUDGET_BURST, type DependencyPolicyConfig } from './policy-config';
import { RetryBudget } from './retry-budget';
import { deadlineSignal, linkSignals } from './signals';

export interface ResilienceLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface ExecuteOptions<T> {
  /** Retries happen only when true. Never set it for a call that changes state without an idempotency key. */
  idempotent: boolean;
  /** The caller's cancellation (e.g. its own request closed); aborts the in-flight attempt. */
  signal?: AbortSignal;
  /** Used when the dependency is unavailable (breaker open, bulkhead full, timeout, failed). */
  fallback?: () => T | Promise<T>;
  /** Absolute epoch ms: the call never waits past it, whatever the per-attempt timeout says. */
  deadline?: number;
  /** Label for outbound_request_duration_seconds (e.g. the HTTP method); default 'call'. */
  method?: string;
  /** Outcome label of a returned value (e.g. 'client_error' for a 4xx response); default 'success'. */
  outcome?: (value: T) => OutboundOutcome;
}

export interface DependencyPolicy {
  readonly name: string;
  readonly config: DependencyPolicyConfig;
  /** Runs fn under fallback? → retry (only if opts.idempotent) → breaker → timeout → bulkhead. fn receives the AbortSignal to pass to fetch/undici. */
  execute<T>(fn: (signal: AbortSignal) => Promise<T>, opts: ExecuteOptions<T>): Promise<T>;
  readonly breakerState: BreakerStateName;
  /** Holds the breaker open by hand (ops, chaos drills) until the handle is disposed. */
  isolate(): { dispose(): void };
  /** Snapshot for /health/details and dashboards. */
  snapshot(): DependencyStateSnapshot;
}

export interface DependencyStateSnapshot {
  state: BreakerStateName;
  /** Free bulkhead slots and queue places right now. */
  executionSlots: number;
  queueSlots: number;
  /** Whole retry tokens left in the budget. */
  retryTokens: number;
}

const STATE_NAMES: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * The policies of one dependency, created once per process and shared by every request:
 * one breaker, one bulkhead and one retry budget, so that failures seen by any caller
 * protect all callers. Two pipelines share them — `retry → breaker` for idempotent calls,
 * `breaker` alone for the rest — so a non-idempotent call can never be retried.
 */
export class ResilientDependencyPolicy implements DependencyPolicy {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly timeoutPolicy: TimeoutPolicy;
  private readonly bulkheadPolicy: BulkheadPolicy;
  private readonly retryPolicy: RetryPolicy;
  private readonly budget: RetryBudget;
  /** timeout → bulkhead: one attempt, bounded in time including its wait for a slot. */
  private readonly attemptPolicy: IPolicy;
  private readonly idempotentPipeline: IPolicy<IRetryContext>;
  private openedAt = 0;
  private readonly logThrottle: LogThrottle;

  constructor(
    readonly name: string,
    readonly config: DependencyPolicyConfig,
    private readonly metrics?: ResilienceMetrics,
    private readonly logger?: ResilienceLogger,
    /** Per-request events (retry, timeout, rejection) are logged at most once per this long, each kind. */
    logIntervalMs = 1000,
  ) {
    this.logThrottle = new LogThrottle(logIntervalMs);
    this.budget = new RetryBudget(
      config.retryBudgetRatio,
      config.retryBudgetBurst ?? DEFAULT_RETRY_BUDGET_BURST,
    );
    this.breaker = circuitBreaker(
      handleWhen((e) => e instanceof AttemptFailure && e.breakerFailure),
      {
        halfOpenAfter: config.breakerHalfOpenAfterMs,
        breaker: new SamplingBreaker({
          threshold: config.breakerThreshold,
          duration: config.breakerSamplingMs,
          minimumRps: config.breakerMinimumRps,
        }),
      },
    );
    // Aggressive: the caller is released the moment the timer fires, and the signal handed to
    // fn aborts the in-flight request so its socket is closed rather than left to finish.
    this.timeoutPolicy = timeout(config.timeoutMs, TimeoutStrategy.Aggressive);
    this.bulkheadPolicy = bulkhead(config.bulkheadLimit, config.bulkheadQueue);
    this.retryPolicy = retry(
      handleWhen((e) => this.shouldRetry(e)),
      { maxAttempts: config.retries, backoff: retryBackoff(config.retryBaseMs, config.retryMaxMs) },
    );
    this.attemptPolicy = wrap(this.timeoutPolicy, this.bulkheadPolicy);
    this.idempotentPipeline = wrap(this.retryPolicy, this.breaker);
    this.observe();
  }

  get breakerState(): BreakerStateName {
    return STATE_NAMES[this.breaker.state];
  }

  isolate(): { dispose(): void } {
    return this.breaker.isolate();
  }

  snapshot(): DependencyStateSnapshot {
    return {
      state: this.breakerState,
      executionSlots: this.bulkheadPolicy.executionSlots,
      queueSlots: this.bulkheadPolicy.queueSlots,
      retryTokens: this.budget.available,
    };
  }

  async execute<T>(fn: (signal: AbortSignal) => Promise<T>, opts: ExecuteOptions<T>): Promise<T> {
    const guarded = () => this.run(fn, opts);
    if (!opts.fallback) return guarded();
    // Outermost, so it also covers a breaker that is open before any attempt is made.
    return fallback(
      handleWhen((e) => e instanceof DependencyUnavailableError),
      opts.fallback,
    ).execute(guarded) as Promise<T>;
  }

  private async run<T>(fn: (signal: AbortSignal) => Promise<T>, opts: ExecuteOptions<T>): Promise<T> {
    const deadline = opts.deadline === undefined ? undefined : deadlineSignal(opts.deadline);
    const linked = linkSignals(opts.signal, deadline?.signal);
    const call: CallState = { signal: linked.signal, deadline: opts.deadline };
    const method = opts.method ?? 'call';
    this.budget.deposit();
    try {
      const attempt = (n: number) => this.attempt(fn, call, n, method, opts.outcome);
      const pipeline = opts.idempotent
        ? this.idempotentPipeline.execute((ctx) => attempt(ctx.attempt), call.signal)
        : this.breaker.execute(() => attempt(0), call.signal);
      return await raceAbort(pipeline, call.signal);
    } catch (err) {
      if (isCircuitOpen(err)) this.record(method, 'circuit_open', 0);
      throw this.toCallerError(err);
    } finally {
      linked.dispose();
      deadline?.dispose();
    }
  }

  private async attempt<T>(
    fn: (signal: AbortSignal) => Promise<T>,
    call: CallState,
    n: number,
    method: string,
    outcome?: (value: T) => OutboundOutcome,
  ): Promise<T> {
    if (call.signal.aborted) throw new CallAborted(call.signal.reason);
    const queuedAt = performance.now();
    let startedAt: number | undefined;
    try {
      // The attempt timer runs without the caller's signal as parent, so every
      // TaskCancelledError it raises (and every onTimeout) is a real attempt timeout.
      const value = await this.attemptPolicy.execute(async ({ signal }) => {
        startedAt = performance.now();
        const both = linkSignals(signal, call.signal);
        try {
          return await fn(both.signal);
        } catch (err) {
          // fn may notice the abort (and reject) before the timeout policy does: the attempt
          // signal has no parent, so if it aborted while the caller's did not, it was the timer.
          if (signal.aborted && !call.signal.aborted) throw new TaskCancelledError('attempt timed out');
          throw err;
        } finally {
          both.dispose();
        }
      });
      this.record(method, outcome ? outcome(value) : 'success', performance.now() - (startedAt ?? queuedAt));
      return value;
    } catch (err) {
      const classified = classifyAttemptError(err, call, n);
      const label = outcomeOfError(classified);
      if (label) this.record(method, label, performance.now() - (startedAt ?? queuedAt));
      throw classified;
    }
  }

  /** Retry filter: called exactly once per failed attempt, so a token is only taken for a retry that happens. */
  private shouldRetry(err: Error): boolean {
    if (!(err instanceof AttemptFailure)) return false; // circuit open, bulkhead full, caller gone
    if (err.attempt >= this.config.retries || err.call.signal.aborted) return false;
    const now = Date.now();
    const remaining = err.call.deadline === undefined ? undefined : err.call.deadline - now;
    if (remaining !== undefined && remaining <= 0) return false;
    // Honour Retry-After only if waiting it out still fits the caller's deadline (or, without
    // one, our own backoff ceiling); otherwise give the answer back now.
    if (err.retryAfterMs !== undefined && err.retryAfterMs > (remaining ?? this.config.retryMaxMs))
      return false;
    if (!this.budget.tryWithdraw()) {
      this.metrics?.retryBudgetExhausted.inc({ dependency: this.name });
      return false;
    }
    return true;
  }

  private toCallerError(err: unknown): unknown {
    if (err instanceof CallAborted) {
      if (err.isDeadline) {
        return new DependencyUnavailableError(this.name, 'timeout', {
          cause: err.reason,
          message: `${this.name}: deadline exceeded`,
        });
      }
      return err.reason instanceof Error
        ? err.reason
        : new Error(`${this.name}: call aborted`, { cause: err.reason });
    }
    if (isCircuitOpen(err)) {
      const retryAfterMs = Math.max(0, this.openedAt + this.config.breakerHalfOpenAfterMs - Date.now());
      return new DependencyUnavailableError(this.name, 'circuit-open', {
        cause: err,
        retryAfterMs: retryAfterMs || 1000,
      });
    }
    if (isBulkheadRejected(err)) {
      return new DependencyUnavailableError(this.name, 'bulkhead-full', { cause: err, retryAfterMs: 1000 });
    }
    if (err instanceof AttemptFailure) {
      return new DependencyUnavailableError(this.name, err.kind, {
        cause: err.cause,
        retryAfterMs: err.retryAfterMs,
        upstreamStatus: err.upstreamStatus,
      });
    }
    return new DependencyUnavailableError(this.name, 'failed', { cause: err });
  }

  private record(method: string, outcome: OutboundOutcome, ms: number): void {
    this.metrics?.outboundDuration.observe({ dependency: this.name, method, outcome }, ms / 1000);
  }

  private observe(): void {
    const dependency = this.name;
    this.metrics?.initDependency(dependency);
    this.breaker.onStateChange((state) => {
      const to = STATE_NAMES[state];
      if (state === CircuitState.Open) this.openedAt = Date.now();
      this.metrics?.setBreakerState(dependency, to);
      this.metrics?.breakerTransitions.inc({ dependency, to });
    });
    this.breaker.onBreak((reason) => {
      const cause =
        'error' in reason ? (reason.error as Error).message : 'isolated' in reason ? 'isolated' : 'failure';
      this.logger?.warn(
        { dependency, cause, halfOpenAfterMs: this.config.breakerHalfOpenAfterMs },
        `circuit breaker for ${dependency} opened`,
      );
    });
    this.breaker.onHalfOpen(() =>
      this.logger?.info({ dependency }, `circuit breaker for ${dependency} half-open`),
    );
    this.breaker.onReset(() => this.logger?.info({ dependency }, `circuit breaker for ${dependency} closed`));
    // Retries, timeouts and rejections are per-request events: every one is counted, but logged
    // at most once per logIntervalMs (1 s) and kind, so an outage cannot flood the logs.
    this.retryPolicy.onRetry((event) => {
      this.metrics?.retries.inc({ dependency });
      const failure = 'error' in event && event.error instanceof AttemptFailure ? event.error : undefined;
      this.logThrottled('info', 'retry', `retrying a call to ${dependency}`, {
        attempt: event.attempt,
        delayMs: Math.round(event.delay),
        reason: failure?.kind ?? 'failed',
        ...(failure?.upstreamStatus ? { upstreamStatus: failure.upstreamStatus } : {}),
      });
    });
    this.timeoutPolicy.onTimeout(() => {
      this.metrics?.timeouts.inc({ dependency });
      this.logThrottled('warn', 'timeout', `an attempt to call ${dependency} timed out`, {
        timeoutMs: this.config.timeoutMs,
      });
    });
    this.bulkheadPolicy.onReject(() => {
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
      { dependency: this.name, event, ...fields, ...(suppressed ? { suppressed } : {}) },
      msg,
    );
  }
}
