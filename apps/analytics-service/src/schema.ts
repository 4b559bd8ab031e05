import type { ServiceSchema } from '@ha-shop/database';
import { CreateAnalytics1731000000100 } from './migrations/1731000000100-create-analytics';
import { FeedCursorTxid1731000000110 } from './migrations/1731000000110-feed-cursor-txid';

export const SERVICE_NAME = 'analytics-service';

/** Tables are written with SQL only, so there are no entities; the migrations are the schema. */
export const SCHEMA: ServiceSchema = {
  entities: [],
  migrations: [CreateAnalytics1731000000100, FeedCursorTxid1731000000110],
};
