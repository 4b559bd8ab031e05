export { BaseEnv, validateEnv, EnvValidationError, envInt, envBool } from './config/env';
export { RequiredInProduction } from './config/required-in-production';
export { ProblemException, ServiceUnavailableProblem } from './errors/problem';
export { mapError } from './errors/error-mapping';
export { PageLimit } from './http/page-limit';
export {
  DEADLINE_HEADER,
  currentRequestDeadline,
  parseRequestDeadline,
  withinRequestDeadline,
} from './http/request-deadline';
export { ON_BEHALF_OF_HEADER, onBehalfOf, readOnBehalfOf } from './http/on-behalf-of';
export { REDACT_PATHS, setLogDestination } from './logging/logger.module';
export { HEALTH_DATA_SOURCE } from './health/health-checks';
export type { HealthDetailsProvider } from './health/health-checks';
export { startService, runServiceProcess } from './bootstrap/run-service';
export type { RunningService } from './bootstrap/run-service';
export { ServiceCoreModule } from './service-core.module';
export {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_MAX,
  IDEMPOTENT_METHODS,
  IDEMPOTENT_REPLAYED_HEADER,
  readIdempotencyKey,
} from './contracts/idempotency-key';
export { CardDto, CVC_MESSAGE, CVC_PATTERN } from './contracts/card.dto';
export { MAX_CHARGE_MINOR, SKU_MAX, SKU_MESSAGE, SKU_PATTERN } from './contracts/shop-limits';
export { answerClientError, SERVICE_MAX_HEADER_BYTES } from './errors/client-error';
