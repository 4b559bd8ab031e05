import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { CartAccess } from './cart-access';
import { CartController } from './cart.controller';
import { CartRepository } from './cart.repository';
import { CartService } from './cart.service';

@Module({
  imports: [ClientsModule],
  controllers: [CartController],
  providers: [CartRepository, CartAccess, CartService],
  exports: [CartRepository, CartAccess],
})
export class CartsModule {}
