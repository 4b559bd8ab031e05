import 'reflect-metadata';
import { runMigrations } from '@ha-shop/database';
import { validateEnv } from '@ha-shop/service-kit';
import { ProductEnv } from './config/product.env';
import { PRODUCT_ENTITIES } from './entities';
import { PRODUCT_MIGRATIONS } from './migrations';

async function main(): Promise<void> {
  const env = validateEnv(ProductEnv, process.env);
  const applied = await runMigrations({
    url: env.DATABASE_URL,
    applicationName: 'product-service-migrate',
    entities: PRODUCT_ENTITIES,
    migrations: PRODUCT_MIGRATIONS,
  });
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is current');
}

main().catch((err: unknown) => {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exit(1);
});
