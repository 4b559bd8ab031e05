import { CreateAnalytics1731000000100 } from './1731000000100-create-analytics';

export const ANALYTICS_MIGRATIONS = [CreateAnalytics1731000000100];
