import { Module } from '@nestjs/common';
import { InventoryModule } from '../inventory/inventory.module';
import { AdminController } from './admin.controller';
import { AdminProductsService } from './admin-products.service';

@Module({
  imports: [InventoryModule],
  controllers: [AdminController],
  providers: [AdminProductsService],
})
export class AdminModule {}
