import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@ha-shop/auth';
import { DatabaseModule } from '@ha-shop/database';
import { EventsModule } from '@ha-shop/events';
import { ServiceCoreModule, validateEnv } from '@ha-shop/service-kit';
import { AdminModule } from './admin/admin.module';
import { CatalogModule } from './catalog/catalog.module';
import { ProductEnv } from './config/product.env';
import { InventoryModule } from './inventory/inventory.module';
import { SCHEMA, SERVICE_NAME } from './schema';

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
          ...SCHEMA,
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
