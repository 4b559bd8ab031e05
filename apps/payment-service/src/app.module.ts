import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@ha-shop/auth';
import { DatabaseModule } from '@ha-shop/database';
import { EventsModule } from '@ha-shop/events';
import { ServiceCoreModule, validateEnv } from '@ha-shop/service-kit';
import { PaymentEnv } from './config/payment.env';
import { PaymentsModule } from './payments/payments.module';
import { SCHEMA, SERVICE_NAME } from './schema';
import { SimulationModule } from './simulation/simulation.module';

@Module({})
export class AppModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    const settings = validateEnv(PaymentEnv, env);
    return {
      module: AppModule,
      imports: [
        ServiceCoreModule.forRoot({ name: SERVICE_NAME, envClass: PaymentEnv, env }),
        DatabaseModule.forRoot({ applicationName: SERVICE_NAME, ...SCHEMA }),
        AuthModule.forRoot(),
        EventsModule.forRoot({ source: SERVICE_NAME }),
        SimulationModule.forRoot({ faultSwitch: !!settings.FAULT_INJECTION_SECRET }),
        PaymentsModule,
      ],
    };
  }
}
