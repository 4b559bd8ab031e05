import { OUTBOX_MIGRATIONS } from '@ha-shop/events';
import { CreateCatalog1731100000000 } from './1731100000000-create-catalog';
import { CreateInventory1731100000001 } from './1731100000001-create-inventory';

export const PRODUCT_MIGRATIONS = [
  ...OUTBOX_MIGRATIONS,
  CreateCatalog1731100000000,
  CreateInventory1731100000001,
];
