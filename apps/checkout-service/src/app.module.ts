import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@ha-shop/auth';
import { DatabaseModule } from '@ha-shop/database';
import { EventsModule } from '@ha-shop/events';
import { DependencyHealthDetails, ResilienceModule } from '@ha-shop/resilience';
import { ServiceCoreModule, validateEnv } from '@ha-shop/service-kit';
import { CartsModule } from './carts/carts.module';
import { CheckoutModule } from './checkout/checkout.module';
import { CheckoutRecoveryModule } from './checkout-recovery/checkout-recovery.module';
import { CheckoutEnv } from './config/checkout.env';
import { OrdersModule } from './orders/orders.module';
import { SCHEMA, SERVICE_NAME } from './schema';

@Module({})
export class AppModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    const { DB_POOL_SIZE } = validateEnv(CheckoutEnv, env);
    return {
      module: AppModule,
      imports: [
        ServiceCoreModule.forRoot({
          name: SERVICE_NAME,
          envClass: CheckoutEnv,
          env,
          health: { details: [DependencyHealthDetails] },
        }),
        DatabaseModule.forRoot({
          applicationName: SERVICE_NAME,
          ...SCHEMA,
          poolSize: DB_POOL_SIZE,
        }),
        AuthModule.forRoot(),
        EventsModule.forRoot({ source: SERVICE_NAME }),
        ResilienceModule.forRoot({ env }),
        CartsModule,
        OrdersModule,
        CheckoutModule,
        CheckoutRecoveryModule,
      ],
    };
  }
}
