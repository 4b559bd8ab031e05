import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@ha-shop/auth';
import { DatabaseModule } from '@ha-shop/database';
import { DependencyHealthDetails, ResilienceModule } from '@ha-shop/resilience';
import { ServiceCoreModule } from '@ha-shop/service-kit';
import { AnalyticsEnv } from './config/analytics.env';
import { KpisModule } from './kpis/kpis.module';
import { SCHEMA, SERVICE_NAME } from './schema';

/**
 * analytics-service consumes the other services' event feeds and serves KPIs to admins
 * (revenue and feed health are not for the public), so it verifies access tokens.
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
        DatabaseModule.forRoot({ applicationName: SERVICE_NAME, ...SCHEMA }),
        AuthModule.forRoot(),
        ResilienceModule.forRoot(),
        KpisModule,
      ],
    };
  }
}
