import { ProblemException, ServiceUnavailableProblem } from '@ha-shop/service-kit';
import { DependencyUnavailableError } from './errors';
import { baseDependencyName } from './policy-config';

const DEFAULT_RETRY_AFTER_MS = 2_000;

/**
 * What a service answers its own client when a dependency is unavailable: 503 with
 * Retry-After (breaker open, bulkhead full, failed), or 504 when the dependency did not
 * answer in time. Anything else is returned unchanged, so `throw dependencyErrorToProblem(err)`
 * is always safe in a catch block.
 */
export function dependencyErrorToProblem(err: DependencyUnavailableError): ProblemException;
export function dependencyErrorToProblem(err: unknown): unknown;
export function dependencyErrorToProblem(err: unknown): unknown {
  if (!(err instanceof DependencyUnavailableError)) return err;
  const retryAfterSeconds = Math.max(1, Math.ceil((err.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS) / 1000));
  const dependency = calleeOf(err.dependency);
  const extensions = { dependency, reason: err.reason };
  if (err.reason === 'timeout') {
    return new ProblemException(
      504,
      'dependency-timeout',
      `${dependency} did not answer in time`,
      extensions,
      {
        'retry-after': String(retryAfterSeconds),
      },
    );
  }
  return new ServiceUnavailableProblem(
    `${dependency} is temporarily unavailable`,
    retryAfterSeconds,
    extensions,
  );
}

/** 'checkout→product#x' → 'product': callers need to know what is down, not our policy names. */
function calleeOf(dependency: string): string {
  const name = baseDependencyName(dependency);
  const arrow = name.search(/→|->/);
  return arrow === -1 ? name : name.slice(arrow).replace(/^(→|->)/, '');
}
