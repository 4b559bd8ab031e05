/**
 * Per-dependency resilience settings. Every number that governs a call between
 * services lives in DEFAULT_POLICIES, so changing one is a one-line diff here or
 * one env var at deploy time (RESILIENCE_<DEP>_<FIELD>), never a hunt through callers.
 */
export interface DependencyPolicyConfig {
  /** Per attempt; the in-flight request is aborted via AbortSignal. */
  timeoutMs: number;
  /** Max retries (only ever applied to idempotent calls). */
  retries: number;
  /** Decorrelated jitter backoff bounds. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Retries may add at most this fraction of recent requests (token bucket), so retries can't multiply load. */
  retryBudgetRatio: number;
  /** Failure ratio (0..1, exclusive) that opens the SamplingBreaker. */
  breakerThreshold: number;
  /** Minimum request rate (requests/second over the window) before the sampling breaker judges. */
  breakerMinimumRps: number;
  /** Sampling window of the breaker. */
  breakerSamplingMs: number;
  /** How long an open breaker fails fast before letting one test call through. */
  breakerHalfOpenAfterMs: number;
  /** Concurrent attempts in flight to this dependency, and how many more may wait for a slot. */
  bulkheadLimit: number;
  bulkheadQueue: number;
  /**
   * Retry tokens the budget holds at most (the "small burst" a dependency may get after a quiet
   * period, also the starting balance). Optional so hand-written configs stay valid; default 10.
   */
  retryBudgetBurst?: number;
}

export const DEFAULT_RETRY_BUDGET_BURST = 10;

const base: DependencyPolicyConfig = {
  timeoutMs: 1_000,
  retries: 1,
  retryBaseMs: 50,
  retryMaxMs: 500,
  retryBudgetRatio: 0.2,
  breakerThreshold: 0.5,
  breakerMinimumRps: 5,
  breakerSamplingMs: 10_000,
  breakerHalfOpenAfterMs: 5_000,
  bulkheadLimit: 32,
  bulkheadQueue: 64,
  retryBudgetBurst: DEFAULT_RETRY_BUDGET_BURST,
};

/**
 * The one table. Keys are `<caller>→<callee>`; a name with `#<instance>` (one breaker per replica
 * or per feed source) takes the settings of the part before `#`. Anything unknown uses `default`.
 */
export const DEFAULT_POLICIES: Record<string, DependencyPolicyConfig> = {
  default: { ...base },
  // Prices and reservations sit on the checkout hot path: fail fast, retry little, answer 503 early.
  'checkout→product': {
    ...base,
    timeoutMs: 800,
    retries: 2,
    retryBaseMs: 50,
    retryMaxMs: 400,
    bulkheadLimit: 32,
    bulkheadQueue: 64,
  },
  // The payment provider is slow by nature; every charge carries an Idempotency-Key so it may retry,
  // but a smaller budget because each retry is an expensive provider call.
  'checkout→payment': {
    ...base,
    timeoutMs: 2_500,
    retries: 2,
    retryBaseMs: 100,
    retryMaxMs: 1_000,
    retryBudgetRatio: 0.1,
    breakerMinimumRps: 2,
    breakerHalfOpenAfterMs: 10_000,
    bulkheadLimit: 16,
    bulkheadQueue: 32,
  },
  // Background pulls of event feeds at low rates: the breaker must judge at ~1 rps, patience is cheap.
  'analytics→feed': {
    ...base,
    timeoutMs: 2_000,
    retries: 2,
    retryBaseMs: 200,
    retryMaxMs: 2_000,
    retryBudgetRatio: 0.5,
    breakerMinimumRps: 0.5,
    bulkheadLimit: 4,
    bulkheadQueue: 8,
  },
  // Browser-facing server rendering: a page must render (degraded) within a few seconds.
  'storefront→api': {
    ...base,
    timeoutMs: 3_000,
    retries: 1,
    retryBaseMs: 50,
    retryMaxMs: 300,
    bulkheadLimit: 64,
    bulkheadQueue: 128,
  },
  // The edge retries an idempotent request once on another replica; the timeout is an outer
  // bound only, since the real budget travels downstream as x-request-deadline.
  'edge→replica': {
    ...base,
    timeoutMs: 10_000,
    retries: 1,
    retryBaseMs: 20,
    retryMaxMs: 200,
    retryBudgetRatio: 0.1,
    breakerMinimumRps: 2,
    breakerHalfOpenAfterMs: 3_000,
    bulkheadLimit: 128,
    bulkheadQueue: 256,
  },
  // Fetching the JWKS (cached by the caller); rare calls, so a low rate suffices to judge.
  'auth→jwks': {
    ...base,
    timeoutMs: 1_500,
    retries: 2,
    retryBaseMs: 100,
    retryMaxMs: 1_000,
    retryBudgetRatio: 0.5,
    breakerMinimumRps: 0.2,
    bulkheadLimit: 4,
    bulkheadQueue: 16,
  },
};
