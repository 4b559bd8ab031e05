import { Module } from '@nestjs/common';
import { CartsModule } from '../carts/carts.module';
import { ClientsModule } from '../clients/clients.module';
import { OrdersModule } from '../orders/orders.module';
import { CardVault } from './card-vault';
import { CheckoutController } from './checkout.controller';
import { CheckoutSaga } from './checkout.saga';
import { CheckoutService } from './checkout.service';
import { IdempotencyService } from './idempotency.service';
import { OrderSteps } from './order.steps';
import { PaymentSteps } from './payment.steps';
import { StockSteps } from './stock.steps';

@Module({
  imports: [ClientsModule, CartsModule, OrdersModule],
  controllers: [CheckoutController],
  providers: [
    CardVault,
    StockSteps,
    OrderSteps,
    PaymentSteps,
    CheckoutSaga,
    IdempotencyService,
    CheckoutService,
  ],
  // For checkout-recovery, which resumes parked orders and purges old idempotency records.
  exports: [CardVault, CheckoutSaga, IdempotencyService],
})
export class CheckoutModule {}
