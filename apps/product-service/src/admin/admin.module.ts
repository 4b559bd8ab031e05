import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { InventoryModule } from '../inventory/inventory.module';
import { AdminController } from './admin.controller';
import { AdminProductsService } from './admin-products.service';

@Module({
  imports: [InventoryModule, CatalogModule],
  controllers: [AdminController],
  providers: [AdminProductsService],
})
export class AdminModule {}
