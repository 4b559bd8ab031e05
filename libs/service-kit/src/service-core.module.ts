import { DynamicModule, Module } from '@nestjs/common';
import { ObservabilityModule, traceLogContext } from '@ha-shop/observability';
import { BaseEnv, validateEnv } from './config/env';
import { ServiceConfigModule } from './config/service-config.module';
import { HealthModule, HealthModuleOptions } from './health/health.module';
import { registerLogContext } from './logging/log-context';
import { ServiceLoggerModule } from './logging/logger.module';

let traceContextRegistered = false;

export interface ServiceCoreOptions<T extends BaseEnv> {
  name: string;
  envClass: new () => T;
  env: Record<string, string | undefined>;
  health?: HealthModuleOptions;
}

/** What every service imports first: validated config, JSON logging, health probes, `/metrics`. */
@Module({})
export class ServiceCoreModule {
  static forRoot<T extends BaseEnv>(options: ServiceCoreOptions<T>): DynamicModule {
    const level = validateEnv(options.envClass, options.env).LOG_LEVEL;
    if (!traceContextRegistered) {
      // Once per process: log lines carry the active span's trace_id/span_id.
      registerLogContext(traceLogContext);
      traceContextRegistered = true;
    }
    return {
      module: ServiceCoreModule,
      imports: [
        ServiceConfigModule.forRoot(options.envClass, options.env),
        ServiceLoggerModule.forRoot(options.name, level),
        HealthModule.forRoot(options.health),
        ObservabilityModule.forRoot({ service: options.name }),
      ],
    };
  }
}
