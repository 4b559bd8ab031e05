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

/** Separator between a dependency and an instance qualifier, e.g. `edge→replica#127.0.0.1:3101`. */
export const INSTANCE_SEPARATOR = '#';

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

type Field = keyof DependencyPolicyConfig;

const FIELDS: Field[] = [
  'timeoutMs',
  'retries',
  'retryBaseMs',
  'retryMaxMs',
  'retryBudgetRatio',
  'retryBudgetBurst',
  'breakerThreshold',
  'breakerMinimumRps',
  'breakerSamplingMs',
  'breakerHalfOpenAfterMs',
  'bulkheadLimit',
  'bulkheadQueue',
];

/** Fields that must be whole numbers (counts and milliseconds). */
const INTEGER_FIELDS = new Set<Field>([
  'timeoutMs',
  'retries',
  'retryBaseMs',
  'retryMaxMs',
  'retryBudgetBurst',
  'breakerSamplingMs',
  'breakerHalfOpenAfterMs',
  'bulkheadLimit',
  'bulkheadQueue',
]);

/** The config-table key of a dependency name: the part before any `#instance`. */
export function baseDependencyName(dependency: string): string {
  const i = dependency.indexOf(INSTANCE_SEPARATOR);
  return i === -1 ? dependency : dependency.slice(0, i);
}

/** `checkout→product` → `CHECKOUT_TO_PRODUCT` (also accepts `->`). */
export function dependencyEnvKey(dependency: string): string {
  return baseDependencyName(dependency)
    .replace(/→|->/g, '_to_')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/** `timeoutMs` → `TIMEOUT_MS`. */
export function fieldEnvKey(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** Name of the env var that overrides one field of one dependency. */
export function policyEnvVar(dependency: string, field: Field): string {
  return `RESILIENCE_${dependencyEnvKey(dependency)}_${fieldEnvKey(field)}`;
}

export class PolicyConfigError extends Error {}

/**
 * Settings for a dependency: its table row (or `default`, itself overridable by
 * RESILIENCE_DEFAULT_*), then RESILIENCE_<DEP>_<FIELD> overrides. Invalid values throw at
 * startup rather than silently running with a broken policy.
 */
export function policyConfigFor(
  dependency: string,
  env: Record<string, string | undefined> = process.env,
): DependencyPolicyConfig {
  const key = baseDependencyName(dependency);
  const row = DEFAULT_POLICIES[key];
  const config: DependencyPolicyConfig = row
    ? { ...row }
    : { ...DEFAULT_POLICIES.default, ...overrides('default', env) };
  Object.assign(config, overrides(key, env));
  config.retryBudgetBurst ??= DEFAULT_RETRY_BUDGET_BURST;
  validate(dependency, config);
  return config;
}

function overrides(
  dependency: string,
  env: Record<string, string | undefined>,
): Partial<DependencyPolicyConfig> {
  const out: Partial<DependencyPolicyConfig> = {};
  for (const field of FIELDS) {
    const name = policyEnvVar(dependency, field);
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const value = Number(raw.replace(/_/g, ''));
    if (!Number.isFinite(value)) throw new PolicyConfigError(`${name}=${raw} is not a number`);
    out[field] = value;
  }
  return out;
}

function validate(dependency: string, c: DependencyPolicyConfig): void {
  const problems: string[] = [];
  for (const field of FIELDS) {
    const v = c[field];
    if (v === undefined) continue;
    if (!Number.isFinite(v) || v < 0) problems.push(`${field} must be a non-negative number (got ${v})`);
    else if (INTEGER_FIELDS.has(field) && !Number.isInteger(v))
      problems.push(`${field} must be an integer (got ${v})`);
  }
  if (c.timeoutMs < 1) problems.push('timeoutMs must be at least 1');
  if (c.bulkheadLimit < 1) problems.push('bulkheadLimit must be at least 1');
  if (c.breakerSamplingMs < 1) problems.push('breakerSamplingMs must be at least 1');
  // cockatiel's SamplingBreaker rejects thresholds outside (0, 1) and treats a zero rate as "use its own default".
  if (!(c.breakerThreshold > 0 && c.breakerThreshold < 1))
    problems.push('breakerThreshold must be in (0, 1)');
  if (!(c.breakerMinimumRps > 0)) problems.push('breakerMinimumRps must be greater than 0');
  if (c.retryMaxMs < c.retryBaseMs) problems.push('retryMaxMs must be >= retryBaseMs');
  if (problems.length)
    throw new PolicyConfigError(`invalid resilience policy for ${dependency}: ${problems.join('; ')}`);
}
