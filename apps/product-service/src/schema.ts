import type { ServiceSchema } from '@ha-shop/database';
import { OUTBOX_ENTITIES, OUTBOX_MIGRATIONS } from '@ha-shop/events';
import { CategoryEntity } from './catalog/category.entity';
import { ProductVariantEntity } from './catalog/product-variant.entity';
import { ProductEntity } from './catalog/product.entity';
import { ReservationEntity } from './inventory/reservation.entity';
import { StockEntity } from './inventory/stock.entity';
import { CreateCatalog1731100000000 } from './migrations/1731100000000-create-catalog';
import { CreateInventory1731100000001 } from './migrations/1731100000001-create-inventory';

export const SERVICE_NAME = 'product-service';

export const SCHEMA: ServiceSchema = {
  entities: [
    ...OUTBOX_ENTITIES,
    CategoryEntity,
    ProductEntity,
    ProductVariantEntity,
    StockEntity,
    ReservationEntity,
  ],
  migrations: [...OUTBOX_MIGRATIONS, CreateCatalog1731100000000, CreateInventory1731100000001],
};
