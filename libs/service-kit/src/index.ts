export { BaseEnv, validateEnv, EnvValidationError, envInt, envBool } from './config/env';
export { ServiceConfigModule } from './config/service-config.module';
export { RequiredInProduction, missingProductionSecrets } from './config/required-in-production';
export {
  ProblemException,
  ServiceUnavailableProblem,
  problemType,
  PROBLEM_CONTENT_TYPE,
} from './errors/problem';
export type { ProblemDetails } from './errors/problem';
export { mapError, isDatabaseUnavailable } from './errors/error-mapping';
export { ProblemDetailsFilter } from './errors/problem-details.filter';
export { createValidationPipe } from './http/validation.pipe';
export { PageLimit } from './http/page-limit';
export { installFaultInjection } from './http/fault-injection';
export type { FaultSettings } from './http/fault-injection';
export {
  DEADLINE_HEADER,
  currentRequestDeadline,
  parseRequestDeadline,
  withinRequestDeadline,
} from './http/request-deadline';
export { ON_BEHALF_OF_HEADER, onBehalfOf, readOnBehalfOf } from './http/on-behalf-of';
export { ServiceLoggerModule, REDACT_PATHS, setLogDestination } from './logging/logger.module';
export { registerLogContext } from './logging/log-context';
export { HealthModule } from './health/health.module';
export type { HealthModuleOptions } from './health/health.module';
export { HEALTH_DATA_SOURCE, HEALTH_DETAILS } from './health/health-checks';
export type { HealthDetailsProvider } from './health/health-checks';
export { LifecycleService } from './health/lifecycle.service';
export { createServiceApp } from './bootstrap/create-app';
export type { ServiceAppOptions } from './bootstrap/create-app';
export { startService, runServiceProcess } from './bootstrap/run-service';
export type { RunningService } from './bootstrap/run-service';
export { ServiceCoreModule } from './service-core.module';
export type { ServiceCoreOptions } from './service-core.module';
