import 'reflect-metadata';
import { runMigrations } from '@ha-shop/database';
import { validateEnv } from '@ha-shop/service-kit';
import { SERVICE_NAME } from './app.module';
import { AnalyticsEnv } from './config/analytics.env';
import { ANALYTICS_MIGRATIONS } from './migrations';

async function main() {
  const env = validateEnv(AnalyticsEnv, process.env);
  const applied = await runMigrations({
    url: env.DATABASE_URL,
    applicationName: SERVICE_NAME,
    entities: [],
    migrations: ANALYTICS_MIGRATIONS,
  });
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is current');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
