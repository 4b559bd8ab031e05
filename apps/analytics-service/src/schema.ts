import type { ServiceSchema } from '@ha-shop/database';
import { CreateAnalytics1731000000100 } from './migrations/1731000000100-create-analytics';

export const SERVICE_NAME = 'analytics-service';

/** Tables are written with SQL only, so there are no entities; the migrations are the schema. */
export const SCHEMA: ServiceSchema = {
  entities: [],
  migrations: [CreateAnalytics1731000000100],
};
