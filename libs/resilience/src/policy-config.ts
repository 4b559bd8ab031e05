import { DEFAULT_POLICIES, DEFAULT_RETRY_BUDGET_BURST, type DependencyPolicyConfig } from './policy-defaults';

// The settings themselves live in policy-defaults.ts; this file turns them, plus RESILIENCE_* env
// overrides, into one validated config per dependency.

/** Separator between a dependency and an instance qualifier, e.g. `edge→replica#127.0.0.1:3101`. */
const INSTANCE_SEPARATOR = '#';

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
