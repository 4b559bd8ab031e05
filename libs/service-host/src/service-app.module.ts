import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule, KeySource } from '@ha-shop/auth';
import { DatabaseModule, ServiceSchema } from '@ha-shop/database';
import { EventsModule } from '@ha-shop/events';
import { DependencyHealthDetails, ResilienceModule } from '@ha-shop/resilience';
import { BaseEnv, ServiceCoreModule, validateEnv } from '@ha-shop/service-kit';

type ModuleImport = NonNullable<DynamicModule['imports']>[number];

/** What one service is: its name, settings and schema, the shared parts it uses, and its own modules. */
export interface ServiceDefinition<T extends BaseEnv> {
  /** Logs, metrics, traces, pg_stat_activity and the event feed's source carry it. */
  name: string;
  envClass: new () => T;
  /** The service's entities and migrations (its `schema.ts`). */
  schema: ServiceSchema;
  /** Database connections per replica; DatabaseModule's default when unset. */
  poolSize?: (settings: T) => number;
  /** Verify access tokens with keys held in this process instead of fetching JWKS_URL. */
  keySource?: new (...args: never[]) => KeySource;
  /** Publish events: the transactional outbox and its pull feed (`GET /events`). */
  events?: boolean;
  /**
   * Named policies for calls to other services, with RESILIENCE_* overrides read from the
   * service's env; their breakers then show in `/health/details`.
   */
  resilience?: boolean;
  /** The service's own modules, imported after the shared ones. */
  modules: ModuleImport[] | ((settings: T) => ModuleImport[]);
}

/** A service's root module, as main.ts and the tests start it: `AppModule.forRoot(env)`. */
export interface ServiceApp {
  forRoot(env: Record<string, string | undefined>): DynamicModule;
}

export function defineService<T extends BaseEnv>(definition: ServiceDefinition<T>): ServiceApp {
  return { forRoot: (env) => ServiceAppModule.forRoot(definition, env) };
}

/**
 * The root module of every service: config, logging, health and metrics (service-kit), its
 * database, token verification, on demand the outbox and resilience, then its own modules.
 * It lives apart from service-kit because database, auth and events depend on service-kit.
 */
@Module({})
export class ServiceAppModule {
  static forRoot<T extends BaseEnv>(
    definition: ServiceDefinition<T>,
    env: Record<string, string | undefined>,
  ): DynamicModule {
    const { name, envClass, resilience, modules } = definition;
    const settings = validateEnv(envClass, env);
    const details = resilience ? [DependencyHealthDetails] : [];
    return {
      module: ServiceAppModule,
      imports: [
        ServiceCoreModule.forRoot({ name, envClass, env, health: { details } }),
        DatabaseModule.forRoot({
          applicationName: name,
          ...definition.schema,
          poolSize: definition.poolSize?.(settings),
        }),
        AuthModule.forRoot({ keySource: definition.keySource }),
        ...(definition.events ? [EventsModule.forRoot({ source: name })] : []),
        ...(resilience ? [ResilienceModule.forRoot({ env })] : []),
        ...(typeof modules === 'function' ? modules(settings) : modules),
      ],
    };
  }
}
