import { defineService } from '@ha-shop/service-host';
import { AdminModule } from './admin/admin.module';
import { CatalogModule } from './catalog/catalog.module';
import { ProductEnv } from './config/product.env';
import { InventoryModule } from './inventory/inventory.module';
import { SCHEMA, SERVICE_NAME } from './schema';

export const AppModule = defineService({
  name: SERVICE_NAME,
  envClass: ProductEnv,
  schema: SCHEMA,
  poolSize: (settings) => settings.DB_POOL_SIZE,
  events: true,
  modules: [CatalogModule, InventoryModule, AdminModule],
});
