import { ExponentialBackoff, IBackoff, IBackoffFactory, IRetryBackoffContext } from 'cockatiel';
import { DependencyUnavailableError, UpstreamResponseError } from './errors';
import type { OutboundOutcome } from './metrics';
import { DeadlineExceededError } from './signals';

/*
 * Own type guards: in cockatiel 3.2.1 `isTaskCancelledError` and `isIsolatedCircuitError`
 * test for the bulkhead marker, so they mistake a bulkhead rejection for a timeout.
 * The marker properties themselves are set correctly.
 */
const hasMarker = (e: unknown, marker: string): boolean => e instanceof Error && marker in e;
export const isTaskCancelled = (e: unknown) => hasMarker(e, 'isTaskCancelledError');
export const isBulkheadRejected = (e: unknown) => hasMarker(e, 'isBulkheadRejectedError');
/** Open or isolated (IsolatedCircuitError extends BrokenCircuitError). */
export const isCircuitOpen = (e: unknown) => hasMarker(e, 'isBrokenCircuitError');

/** Per-call facts the retry filter needs (cockatiel's filters only see the error). */
export interface CallState {
  readonly signal: AbortSignal;
  readonly deadline?: number;
}

/**
 * One failed attempt, classified once at the attempt boundary so that the breaker and the
 * retry policy (whose filters only see the error) can decide without re-guessing.
 */
export class AttemptFailure extends Error {
  override readonly name = 'AttemptFailure';
  constructor(
    readonly kind: 'timeout' | 'failed',
    override readonly cause: unknown,
    readonly call: CallState,
    /** 0 for the first attempt, n for the n-th retry. */
    readonly attempt: number,
    /** Counts against the dependency's health. */
    readonly breakerFailure: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(
      kind === 'timeout'
        ? 'attempt timed out'
        : `attempt failed: ${(cause as Error)?.message ?? String(cause)}`,
    );
  }

  get upstreamStatus(): number | undefined {
    return this.cause instanceof UpstreamResponseError ? this.cause.status : undefined;
  }
}

/** The caller's own signal or deadline ended the call; never a dependency failure. */
export class CallAborted extends Error {
  override readonly name = 'CallAborted';
  constructor(readonly reason: unknown) {
    super('call aborted by caller');
  }

  /** The call ran out of time (its deadline, or a caller signal from AbortSignal.timeout). */
  get isDeadline(): boolean {
    return (
      this.reason instanceof DeadlineExceededError ||
      (this.reason instanceof Error && this.reason.name === 'TimeoutError')
    );
  }
}

export function classifyAttemptError(err: unknown, call: CallState, attempt: number): unknown {
  if (call.signal.aborted) return new CallAborted(call.signal.reason);
  // Only the attempt timeout raises TaskCancelledError here: it is run without a parent signal.
  if (isTaskCancelled(err)) return new AttemptFailure('timeout', err, call, attempt, true);
  if (isBulkheadRejected(err) || isCircuitOpen(err)) return err;
  if (err instanceof UpstreamResponseError) {
    return new AttemptFailure('failed', err, call, attempt, err.breakerFailure, err.retryAfterMs);
  }
  return new AttemptFailure('failed', err, call, attempt, true);
}

export function outcomeOfError(err: unknown): OutboundOutcome | undefined {
  if (err instanceof CallAborted) return err.isDeadline ? 'timeout' : undefined;
  if (isBulkheadRejected(err)) return 'bulkhead_full';
  if (isCircuitOpen(err)) return 'circuit_open';
  if (err instanceof AttemptFailure) {
    if (err.kind === 'timeout') return 'timeout';
    const status = err.upstreamStatus;
    if (status !== undefined) return status >= 500 ? 'server_error' : 'client_error';
    return 'network_error';
  }
  return 'network_error';
}

/**
 * Decorrelated-jitter exponential backoff (cockatiel's default generator) that never waits
 * less than an upstream Retry-After.
 */
export function retryBackoff(baseMs: number, maxMs: number): IBackoffFactory<IRetryBackoffContext<unknown>> {
  const jitter = new ExponentialBackoff({ initialDelay: baseMs, maxDelay: maxMs });
  const step = (
    inner: IBackoff<unknown>,
    ctx: IRetryBackoffContext<unknown>,
  ): IBackoff<IRetryBackoffContext<unknown>> => {
    const failure = 'error' in ctx.result ? ctx.result.error : undefined;
    const hinted = failure instanceof AttemptFailure ? (failure.retryAfterMs ?? 0) : 0;
    return { duration: Math.max(inner.duration, hinted), next: (c) => step(inner.next(c), c) };
  };
  return { next: (ctx) => step(jitter.next(), ctx) };
}

/** Rejects as soon as the caller's signal aborts, even while a policy (backoff, half-open wait) ignores it. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new CallAborted(signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CallAborted(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * What the caller of `execute` gets for a failure: a DependencyUnavailableError saying why
 * (or the caller's own abort reason), never cockatiel's internal errors.
 */
export function callerError(err: unknown, dependency: string, halfOpenAt: number): unknown {
  if (err instanceof CallAborted) {
    if (err.isDeadline) {
      return new DependencyUnavailableError(dependency, 'timeout', {
        cause: err.reason,
        message: `${dependency}: deadline exceeded`,
      });
    }
    return err.reason instanceof Error
      ? err.reason
      : new Error(`${dependency}: call aborted`, { cause: err.reason });
  }
  if (isCircuitOpen(err)) {
    const retryAfterMs = Math.max(0, halfOpenAt - Date.now());
    return new DependencyUnavailableError(dependency, 'circuit-open', {
      cause: err,
      retryAfterMs: retryAfterMs || 1000,
    });
  }
  if (isBulkheadRejected(err)) {
    return new DependencyUnavailableError(dependency, 'bulkhead-full', { cause: err, retryAfterMs: 1000 });
  }
  if (err instanceof AttemptFailure) {
    return new DependencyUnavailableError(dependency, err.kind, {
      cause: err.cause,
      retryAfterMs: err.retryAfterMs,
      upstreamStatus: err.upstreamStatus,
    });
  }
  return new DependencyUnavailableError(dependency, 'failed', { cause: err });
}
