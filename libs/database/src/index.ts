export { DatabaseModule } from './database.module';
export type { DatabaseModuleOptions } from './database.module';
export { dataSourceOptions, ensureDatabase, migrateWithLock, runMigrations } from './data-source';
export type { DatabaseOptions } from './data-source';
export { pgErrorCode, isUniqueViolation } from './pg-errors';
export { runMigrateCommand } from './migrate-command';
export type { ServiceSchema } from './migrate-command';
