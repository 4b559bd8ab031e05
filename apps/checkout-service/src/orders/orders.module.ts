import { Module } from '@nestjs/common';
import { CartsModule } from '../carts/carts.module';
import { ClientsModule } from '../clients/clients.module';
import { OrderTransitions } from './order-transitions.service';
import { AdminOrderController, OrderController } from './order.controller';
import { OrderRepository } from './order.repository';
import { OrderService } from './order.service';
import { PendingPaymentRepository } from './pending-payment.repository';

@Module({
  imports: [ClientsModule, CartsModule],
  controllers: [OrderController, AdminOrderController],
  providers: [OrderRepository, PendingPaymentRepository, OrderTransitions, OrderService],
  exports: [OrderRepository, PendingPaymentRepository, OrderTransitions],
})
export class OrdersModule {}
