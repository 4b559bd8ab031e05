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
  callerError,
  classifyAttemptError,
  isCircuitOpen,
  outcomeOfError,
  raceAbort,
  retryBackoff,
} from './attempt';
import { DependencyUnavailableError } from './errors';
import type { BreakerStateName, OutboundOutcome, ResilienceMetrics } from './metrics';
import { DEFAULT_RETRY_BUDGET_BURST, type DependencyPolicyConfig } from './policy-defaults';
import { BREAKER_STATE_NAMES, PolicyTelemetry, type ResilienceLogger } from './policy-telemetry';
import { RetryBudget } from './retry-budget';
import { deadlineSignal, linkSignals } from './signals';

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
  private readonly telemetry: PolicyTelemetry;

  constructor(
    readonly name: string,
    readonly config: DependencyPolicyConfig,
    metrics?: ResilienceMetrics,
    logger?: ResilienceLogger,
    /** Per-request events (retry, timeout, rejection) are logged at most once per this long, each kind. */
    logIntervalMs = 1000,
  ) {
    this.telemetry = new PolicyTelemetry(name, config, metrics, logger, logIntervalMs);
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
    this.breaker.onStateChange((state) => {
      if (state === CircuitState.Open) this.openedAt = Date.now();
    });
    this.telemetry.observe({
      breaker: this.breaker,
      retry: this.retryPolicy,
      timeout: this.timeoutPolicy,
      bulkhead: this.bulkheadPolicy,
    });
  }

  get breakerState(): BreakerStateName {
    return BREAKER_STATE_NAMES[this.breaker.state];
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
      if (isCircuitOpen(err)) this.telemetry.recordAttempt(method, 'circuit_open', 0);
      throw callerError(err, this.name, this.openedAt + this.config.breakerHalfOpenAfterMs);
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
      this.telemetry.recordAttempt(
        method,
        outcome ? outcome(value) : 'success',
        performance.now() - (startedAt ?? queuedAt),
      );
      return value;
    } catch (err) {
      const classified = classifyAttemptError(err, call, n);
      const label = outcomeOfError(classified);
      if (label) this.telemetry.recordAttempt(method, label, performance.now() - (startedAt ?? queuedAt));
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
      this.telemetry.retryBudgetExhausted();
      return false;
    }
    return true;
  }
}
