import { OUTBOX_ENTITIES } from '@ha-shop/events';
import { CategoryEntity } from './catalog/category.entity';
import { ProductVariantEntity } from './catalog/product-variant.entity';
import { ProductEntity } from './catalog/product.entity';
import { ReservationEntity } from './inventory/reservation.entity';
import { StockEntity } from './inventory/stock.entity';

export const PRODUCT_ENTITIES = [
  ...OUTBOX_ENTITIES,
  CategoryEntity,
  ProductEntity,
  ProductVariantEntity,
  StockEntity,
  ReservationEntity,
];
