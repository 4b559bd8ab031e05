export {
  startLocalPostgres,
  startThrowawayPostgres,
  freePort,
  PostgresStartError,
} from './embedded-postgres';
export type { LocalPostgres, LocalPostgresOptions } from './embedded-postgres';
export { createTestDatabase, sql } from './test-database';
export { bootService, testEnv } from './boot-service';
export { TestIssuer } from './test-issuer';
export type { TokenClaims } from './test-issuer';
export { apiClient, expectProblem } from './http-client';
export type { ApiClient, ApiResponse, RequestOptions } from './http-client';
export { waitFor } from './wait-for';
export type { WaitForOptions } from './wait-for';
export { LogCapture } from './log-capture';
export { parseExposition, sampleValue } from './metrics-exposition';
export type { Sample } from './metrics-exposition';
export { sampleOrderEvent, sampleViewEvent } from './sample-events';
export type { SampleOrderOptions } from './sample-events';
export { CHROMIUM_PATH, launchChromium } from './chromium';
export { TEST_ADDRESS, testCard } from './shop-fixtures';
