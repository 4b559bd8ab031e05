import { Module } from '@nestjs/common';
import { PaymentClient } from './payment.client';
import { ProductClient } from './product.client';

/** Clients of product-service and payment-service, sharing the process's PolicyRegistry (breakers). */
@Module({
  providers: [ProductClient, PaymentClient],
  exports: [ProductClient, PaymentClient],
})
export class ClientsModule {}
