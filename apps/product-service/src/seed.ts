import 'reflect-metadata';
import { dataSourceOptions, runMigrations } from '@ha-shop/database';
import { validateEnv } from '@ha-shop/service-kit';
import { DataSource } from 'typeorm';
import { ProductEnv } from './config/product.env';
import { SCHEMA, SERVICE_NAME } from './schema';
import { seedCatalog } from './seed/catalog-seed';

export { seedCatalog, generateCatalog } from './seed/catalog-seed';
export type { SeedOptions, SeedResult } from './seed/catalog-seed';

/** `node dist/seed.js`: migrate, then load the demo catalog (SEED_PRODUCTS, SEED). */
async function main(): Promise<void> {
  const env = validateEnv(ProductEnv, process.env);
  const products = Number(process.env.SEED_PRODUCTS ?? 300);
  const seed = Number(process.env.SEED ?? 1);
  if (!Number.isInteger(products) || products < 0 || products > 100_000)
    throw new Error('SEED_PRODUCTS must be 0..100000');
  if (!Number.isInteger(seed)) throw new Error('SEED must be an integer');
  const db = {
    url: env.DATABASE_URL,
    applicationName: `${SERVICE_NAME}-seed`,
    ...SCHEMA,
  };
  await runMigrations(db);
  const ds = await new DataSource({
    ...dataSourceOptions({ ...db, statementTimeoutMs: 60_000 }),
  }).initialize();
  try {
    const result = await seedCatalog(ds, { products, seed });
    console.log(`seeded: ${JSON.stringify(result)}`);
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`seed failed: ${(err as Error).message}`);
    process.exit(1);
  });
}
