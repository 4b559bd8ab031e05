import { defineService } from '@ha-shop/service-host';
import { AnalyticsEnv } from './config/analytics.env';
import { KpisModule } from './kpis/kpis.module';
import { SCHEMA, SERVICE_NAME } from './schema';

/**
 * analytics-service consumes the other services' event feeds and serves KPIs to admins
 * (revenue and feed health are not for the public), so it verifies access tokens.
 */
export const AppModule = defineService({
  name: SERVICE_NAME,
  envClass: AnalyticsEnv,
  schema: SCHEMA,
  resilience: true,
  modules: [KpisModule],
});
