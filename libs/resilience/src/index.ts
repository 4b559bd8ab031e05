export {
  DEFAULT_POLICIES,
  DEFAULT_RETRY_BUDGET_BURST,
  INSTANCE_SEPARATOR,
  PolicyConfigError,
  baseDependencyName,
  dependencyEnvKey,
  policyConfigFor,
  policyEnvVar,
} from './policy-config';
export type { DependencyPolicyConfig } from './policy-config';
export { PolicyRegistry } from './policy-registry';
export type { PolicyRegistryOptions, DependencyStates, ClosableClient } from './policy-registry';
export { ResilientDependencyPolicy } from './dependency-policy';
export type {
  DependencyPolicy,
  DependencyStateSnapshot,
  ExecuteOptions,
  ResilienceLogger,
} from './dependency-policy';
export { DependencyUnavailableError, UpstreamResponseError, isDependencyUnavailable } from './errors';
export type { DependencyFailureReason } from './errors';
export { ResilienceMetrics, BREAKER_STATE_VALUE } from './metrics';
export type { BreakerStateName, OutboundOutcome } from './metrics';
export { RetryBudget } from './retry-budget';
export { ServiceClient, isIdempotentByDefault } from './service-client';
export type { ServiceClientOptions, ServiceRequest, ServiceResponse, HttpMethod } from './service-client';
export { DEADLINE_HEADER, DeadlineExceededError, parseRequestDeadline, parseRetryAfter } from './signals';
export { dependencyErrorToProblem } from './problem';
export { ResilienceModule, DependencyHealthDetails } from './resilience.module';
export type { ResilienceModuleOptions } from './resilience.module';
