import 'reflect-metadata';
import { runMigrations } from '@ha-shop/database';
import { validateEnv } from '@ha-shop/service-kit';
import { PaymentEnv } from './config/payment.env';
import { ENTITIES, MIGRATIONS, SERVICE_NAME } from './schema';

async function main(): Promise<void> {
  const env = validateEnv(PaymentEnv, process.env);
  const applied = await runMigrations({
    url: env.DATABASE_URL,
    applicationName: `${SERVICE_NAME}-migrate`,
    entities: ENTITIES,
    migrations: MIGRATIONS,
  });
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is current');
}

main().catch((err: unknown) => {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exitCode = 1;
});
