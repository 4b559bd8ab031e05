// Only what apps and other libs use; the lib's own tests import its modules directly.
export { PolicyRegistry } from './policy-registry';
export { ServiceClient } from './service-client';
export type { HttpMethod, ServiceResponse } from './service-client';
export { DependencyUnavailableError, isDependencyUnavailable } from './errors';
export { dependencyErrorToProblem } from './problem';
export { ResilienceModule, DependencyHealthDetails } from './resilience.module';
// The storefront's /architecture decodes the circuit_breaker_state metric with it.
export { BREAKER_STATE_VALUE, type BreakerStateName } from './metrics';
