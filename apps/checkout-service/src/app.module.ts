import { defineService } from '@ha-shop/service-host';
import { CartsModule } from './carts/carts.module';
import { CheckoutModule } from './checkout/checkout.module';
import { CheckoutRecoveryModule } from './checkout-recovery/checkout-recovery.module';
import { CheckoutEnv } from './config/checkout.env';
import { OrdersModule } from './orders/orders.module';
import { SCHEMA, SERVICE_NAME } from './schema';

export const AppModule = defineService({
  name: SERVICE_NAME,
  envClass: CheckoutEnv,
  schema: SCHEMA,
  poolSize: (settings) => settings.DB_POOL_SIZE,
  events: true,
  resilience: true,
  modules: [CartsModule, OrdersModule, CheckoutModule, CheckoutRecoveryModule],
});
