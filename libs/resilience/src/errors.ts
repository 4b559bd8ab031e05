export type DependencyFailureReason = 'circuit-open' | 'bulkhead-full' | 'timeout' | 'failed';

/**
 * What callers of a dependency see when it could not answer: map it to 503 (or 504 for
 * 'timeout') with `dependencyErrorToProblem`. `cause` holds the last underlying error.
 */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
  readonly dependency: string;
  readonly reason: DependencyFailureReason;
  override readonly cause?: unknown;
  /** A hint for the caller's own Retry-After (breaker half-open time, upstream Retry-After). */
  readonly retryAfterMs?: number;
  /** Status of the last upstream response when the dependency answered with a 5xx. */
  readonly upstreamStatus?: number;

  constructor(
    dependency: string,
    reason: DependencyFailureReason,
    options: { cause?: unknown; retryAfterMs?: number; upstreamStatus?: number; message?: string } = {},
  ) {
    super(options.message ?? `${dependency} unavailable: ${reason}`);
    this.dependency = dependency;
    this.reason = reason;
    this.cause = options.cause;
    this.retryAfterMs = options.retryAfterMs;
    this.upstreamStatus = options.upstreamStatus;
  }
}

export function isDependencyUnavailable(err: unknown): err is DependencyUnavailableError {
  return err instanceof DependencyUnavailableError;
}

/**
 * Thrown from inside a policy-protected function to report an HTTP answer that is not
 * a success but should be treated specially: 5xx are breaker failures and retryable;
 * 429 is retryable (honouring Retry-After) but says nothing about the dependency's health.
 */
export class UpstreamResponseError extends Error {
  override readonly name = 'UpstreamResponseError';
  constructor(
    readonly status: number,
    readonly headers: Record<string, string | string[] | undefined>,
    readonly body: unknown,
    /** Parsed Retry-After, if the response carried one. */
    readonly retryAfterMs?: number,
  ) {
    super(`upstream answered ${status}`);
  }

  /** Whether this answer counts against the dependency's health (opens the breaker). */
  get breakerFailure(): boolean {
    return this.status >= 500;
  }
}
