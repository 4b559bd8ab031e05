export { BaseEnv, validateEnv, EnvValidationError } from './config/env';
export { EnvInt, EnvNumber, envBool } from './config/env-settings';
export { RequiredInProduction } from './config/required-in-production';
export { ProblemException, ServiceUnavailableProblem } from './errors/problem';
export { mapError } from './errors/error-mapping';
export { PageLimit } from './http/page-limit';
export { DEADLINE_HEADER, RequestContext } from './http/request-context';
export { ON_BEHALF_OF_HEADER } from './http/on-behalf-of';
export { REDACT_PATHS, setLogDestination } from './logging/logger.module';
export { HEALTH_DATA_SOURCE } from './health/health-checks';
export type { HealthDetailsProvider } from './health/health-checks';
export { startService, runServiceProcess } from './bootstrap/run-service';
export type { RunningService } from './bootstrap/run-service';
export { ServiceCoreModule } from './service-core.module';
export { PeriodicTask } from './lifecycle/periodic-task';
export {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_MAX,
  IDEMPOTENT_METHODS,
  IDEMPOTENT_REPLAYED_HEADER,
  readIdempotencyKey,
} from './contracts/idempotency-key';
export { CardDto, CVC_MESSAGE, CVC_PATTERN } from './contracts/card.dto';
export { MAX_CHARGE_MINOR, SKU_MAX, SKU_MESSAGE, SKU_PATTERN } from './contracts/shop-limits';
export { KPI_WINDOWS } from './contracts/kpis';
export { PathParamPipe, skuParam } from './validation/path-param.pipe';
export type { Kpis, KpiWindow, MoneyFigure } from './contracts/kpis';
export type { ShippingAddress } from './contracts/shipping-address';
export { DECLINE_CODES, TEST_CARDS } from './contracts/test-cards';
export type { DeclineCode } from './contracts/test-cards';
export { answerClientError, SERVICE_MAX_HEADER_BYTES } from './errors/client-error';
