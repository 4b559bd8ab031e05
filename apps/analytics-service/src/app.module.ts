import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@ha-shop/database';
import { DependencyHealthDetails, ResilienceModule } from '@ha-shop/resilience';
import { ServiceCoreModule } from '@ha-shop/service-kit';
import { AnalyticsEnv } from './config/analytics.env';
import { KpisModule } from './kpis/kpis.module';
import { ANALYTICS_MIGRATIONS } from './migrations';

export const SERVICE_NAME = 'analytics-service';

/**
 * analytics-service consumes the other services' event feeds and serves KPIs.
 * It owns no user-facing writes, so it needs no token verification.
 */
@Module({})
export class AppModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceCoreModule.forRoot({
          name: SERVICE_NAME,
          envClass: AnalyticsEnv,
          env,
          health: { details: [DependencyHealthDetails] },
        }),
        DatabaseModule.forRoot({
          applicationName: SERVICE_NAME,
          entities: [],
          migrations: ANALYTICS_MIGRATIONS,
        }),
        ResilienceModule.forRoot(),
        KpisModule,
      ],
    };
  }
}
