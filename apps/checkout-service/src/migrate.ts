import 'reflect-metadata';
import { runMigrations } from '@ha-shop/database';
import { OUTBOX_ENTITIES } from '@ha-shop/events';
import { validateEnv } from '@ha-shop/service-kit';
import { CheckoutEnv } from './config/checkout.env';
import { CHECKOUT_MIGRATIONS } from './migrations';

async function main(): Promise<void> {
  const env = validateEnv(CheckoutEnv, process.env);
  const applied = await runMigrations({
    url: env.DATABASE_URL,
    applicationName: 'checkout-service-migrate',
    entities: OUTBOX_ENTITIES,
    migrations: CHECKOUT_MIGRATIONS,
  });
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is current');
}

main().catch((err: unknown) => {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exit(1);
});
