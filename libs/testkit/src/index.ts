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
