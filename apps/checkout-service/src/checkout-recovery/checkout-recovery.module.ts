import { Module } from '@nestjs/common';
import { CheckoutModule } from '../checkout/checkout.module';
import { ClientsModule } from '../clients/clients.module';
import { OrdersModule } from '../orders/orders.module';
import { CancelledChargeSweeper } from './cancelled-charge.sweeper';
import { IdempotencyPurgePass } from './idempotency-purge.pass';
import { PaymentReconciliation } from './payment-reconciliation';
import { PaymentRetryPass } from './payment-retry.pass';
import { RecoveryScheduler } from './recovery.scheduler';
import { StockSyncPass } from './stock-sync.pass';

/** Finishes in the background what a checkout request could not; it uses checkout and orders, never the reverse. */
@Module({
  imports: [ClientsModule, OrdersModule, CheckoutModule],
  providers: [
    PaymentRetryPass,
    PaymentReconciliation,
    CancelledChargeSweeper,
    StockSyncPass,
    IdempotencyPurgePass,
    RecoveryScheduler,
  ],
})
export class CheckoutRecoveryModule {}
