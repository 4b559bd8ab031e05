import { OUTBOX_ENTITIES, OUTBOX_MIGRATIONS, OutboxService } from '@ha-shop/events';
import { defineService } from '@ha-shop/service-host';
import { BaseEnv, RunningService, startService } from '@ha-shop/service-kit';
import { testEnv } from '@ha-shop/testkit';

/**
 * A real event producer for analytics tests: the same outbox and feed every service
 * uses, without the rest of a service, so tests control exactly which events exist.
 */
export async function startProducer(
  source: string,
  env: { DATABASE_URL: string; JWKS_URL: string; INTERNAL_TOKEN: string },
  port = 0,
): Promise<{ service: RunningService; outbox: OutboxService }> {
  const producer = defineService({
    name: source,
    envClass: BaseEnv,
    schema: { entities: OUTBOX_ENTITIES, migrations: OUTBOX_MIGRATIONS },
    events: true,
    modules: [],
  });
  const service = await startService(producer.forRoot(testEnv(env)), {
    name: source,
    host: '127.0.0.1',
    port,
  });
  return { service, outbox: service.app.get(OutboxService) };
}
