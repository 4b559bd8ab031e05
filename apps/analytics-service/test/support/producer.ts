import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@ha-shop/auth';
import { DatabaseModule } from '@ha-shop/database';
import { EventsModule, OUTBOX_ENTITIES, OUTBOX_MIGRATIONS, OutboxService } from '@ha-shop/events';
import { BaseEnv, RunningService, ServiceCoreModule, startService } from '@ha-shop/service-kit';
import { testEnv } from '@ha-shop/testkit';

/**
 * A real event producer for analytics tests: the same outbox and feed every service
 * uses, without the rest of a service, so tests control exactly which events exist.
 */
@Module({})
class ProducerModule {
  static forRoot(source: string, env: Record<string, string | undefined>): DynamicModule {
    return {
      module: ProducerModule,
      imports: [
        ServiceCoreModule.forRoot({ name: source, envClass: BaseEnv, env }),
        DatabaseModule.forRoot({
          applicationName: source,
          entities: OUTBOX_ENTITIES,
          migrations: OUTBOX_MIGRATIONS,
        }),
        AuthModule.forRoot(),
        EventsModule.forRoot({ source }),
      ],
    };
  }
}

export async function startProducer(
  source: string,
  env: { DATABASE_URL: string; JWKS_URL: string; INTERNAL_TOKEN: string },
  port = 0,
): Promise<{ service: RunningService; outbox: OutboxService }> {
  const service = await startService(ProducerModule.forRoot(source, testEnv(env)), {
    name: source,
    host: '127.0.0.1',
    port,
  });
  return { service, outbox: service.app.get(OutboxService) };
}
