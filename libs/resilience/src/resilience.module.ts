import { DynamicModule, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type { HealthDetailsProvider } from '@ha-shop/service-kit';
import { Registry, register } from 'prom-client';
import type { ResilienceLogger } from './policy-telemetry';
import { ResilienceMetrics } from './metrics';
import { PolicyRegistry } from './policy-registry';

export interface ResilienceModuleOptions {
  /** Source of RESILIENCE_* overrides; default process.env. Pass the env given to AppModule.forRoot. */
  env?: Record<string, string | undefined>;
  /** Where the metrics are registered; default prom-client's global registry (what /metrics serves). */
  metricsRegistry?: Registry;
}

/**
 * `/health/details` → `dependencies`: breaker state and spare capacity per dependency.
 * Register it with `ServiceCoreModule.forRoot({ ..., health: { details: [DependencyHealthDetails] } })`.
 */
@Injectable()
export class DependencyHealthDetails implements HealthDetailsProvider {
  readonly name = 'dependencies';

  constructor(private readonly registry: PolicyRegistry) {}

  details(): Record<string, unknown> {
    return this.registry.states();
  }
}

function nestLogger(): ResilienceLogger {
  const logger = new Logger('Resilience');
  return { warn: (obj, msg) => logger.warn(obj, msg), info: (obj, msg) => logger.log(obj, msg) };
}

/** Global: one PolicyRegistry per process, so every module's clients share breakers per dependency. */
@Module({})
export class ResilienceModule implements OnApplicationShutdown {
  static forRoot(options: ResilienceModuleOptions = {}): DynamicModule {
    return {
      module: ResilienceModule,
      global: true,
      providers: [
        {
          provide: PolicyRegistry,
          useFactory: () =>
            new PolicyRegistry({
              env: options.env ?? process.env,
              metrics: new ResilienceMetrics(options.metricsRegistry ?? register),
              logger: nestLogger(),
            }),
        },
        DependencyHealthDetails,
      ],
      exports: [PolicyRegistry, DependencyHealthDetails],
    };
  }

  constructor(private readonly registry: PolicyRegistry) {}

  /** Runs after the HTTP server stopped taking requests, so in-flight calls have finished. */
  async onApplicationShutdown(): Promise<void> {
    await this.registry.close();
  }
}
