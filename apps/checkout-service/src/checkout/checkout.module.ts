import { Module } from '@nestjs/common';
import { CartsModule } from '../carts/carts.module';
import { ClientsModule } from '../clients/clients.module';
import { OrdersModule } from '../orders/orders.module';
import { CancelledChargeSweeper } from '../orders/cancelled-charge.sweeper';
import { PaymentRetryWorker } from '../orders/payment-retry.worker';
import { CardVault } from './card-vault';
import { CheckoutController } from './checkout.controller';
import { CheckoutSaga } from './checkout.saga';
import { CheckoutService } from './checkout.service';
import { IdempotencyService } from './idempotency.service';

@Module({
  imports: [ClientsModule, CartsModule, OrdersModule],
  controllers: [CheckoutController],
  // The retry worker lives with the orders it finishes but resumes this module's saga, so it is registered here.
  providers: [
    CardVault,
    CheckoutSaga,
    IdempotencyService,
    CheckoutService,
    CancelledChargeSweeper,
    PaymentRetryWorker,
  ],
})
export class CheckoutModule {}
