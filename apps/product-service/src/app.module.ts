import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@ha-shop/auth';
import { DatabaseModule } from '@ha-shop/database';
import { EventsModule } from '@ha-shop/events';
import { ServiceCoreModule, validateEnv } from '@ha-shop/service-kit';
import { AdminModule } from './admin/admin.module';
import { CatalogModule } from './catalog/catalog.module';
import { ProductEnv } from './config/product.env';
import { PRODUCT_ENTITIES } from './entities';
import { InventoryModule } from './inventory/inventory.module';
import { PRODUCT_MIGRATIONS } from './migrations';

export const SERVICE_NAME = 'product-service';

@Module({})
export class AppModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    const { DB_POOL_SIZE } = validateEnv(ProductEnv, env);
    return {
      module: AppModule,
      imports: [
        ServiceCoreModule.forRoot({ name: SERVICE_NAME, envClass: ProductEnv, env }),
        DatabaseModule.forRoot({
          applicationName: SERVICE_NAME,
          entities: PRODUCT_ENTITIES,
          migrations: PRODUCT_MIGRATIONS,
          poolSize: DB_POOL_SIZE,
        }),
        AuthModule.forRoot(),
        EventsModule.forRoot({ source: SERVICE_NAME }),
        CatalogModule,
        InventoryModule,
        AdminModule,
      ],
    };
  }
}
