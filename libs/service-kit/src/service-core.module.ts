import { DynamicModule, Module } from '@nestjs/common';
import { BaseEnv, validateEnv } from './config/env';
import { ServiceConfigModule } from './config/service-config.module';
import { HealthModule, HealthModuleOptions } from './health/health.module';
import { ServiceLoggerModule } from './logging/logger.module';

export interface ServiceCoreOptions<T extends BaseEnv> {
  name: string;
  envClass: new () => T;
  env: Record<string, string | undefined>;
  health?: HealthModuleOptions;
}

/** What every service imports first: validated config, JSON logging, health probes. */
@Module({})
export class ServiceCoreModule {
  static forRoot<T extends BaseEnv>(options: ServiceCoreOptions<T>): DynamicModule {
    const level = validateEnv(options.envClass, options.env).LOG_LEVEL;
    return {
      module: ServiceCoreModule,
      imports: [
        ServiceConfigModule.forRoot(options.envClass, options.env),
        ServiceLoggerModule.forRoot(options.name, level),
        HealthModule.forRoot(options.health),
      ],
    };
  }
}
