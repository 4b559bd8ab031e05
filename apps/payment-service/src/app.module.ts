import { defineService } from '@ha-shop/service-host';
import { PaymentEnv } from './config/payment.env';
import { PaymentsModule } from './payments/payments.module';
import { SCHEMA, SERVICE_NAME } from './schema';
import { SimulationModule } from './simulation/simulation.module';

export const AppModule = defineService({
  name: SERVICE_NAME,
  envClass: PaymentEnv,
  schema: SCHEMA,
  events: true,
  modules: (settings) => [
    SimulationModule.forRoot({ faultSwitch: !!settings.FAULT_INJECTION_SECRET }),
    PaymentsModule,
  ],
});
