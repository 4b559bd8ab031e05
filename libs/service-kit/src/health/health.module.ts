import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_DETAILS, HealthChecks, HealthDetailsProvider } from './health-checks';
import { HealthController } from './health.controller';
import { LifecycleService } from './lifecycle.service';

export interface HealthModuleOptions {
  /** Provider of the service's TypeORM DataSource (e.g. `{ provide: HEALTH_DATA_SOURCE, useExisting: DataSource }`). */
  dataSource?: Provider;
  details?: Array<new (...args: never[]) => HealthDetailsProvider>;
}

@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions = {}): DynamicModule {
    const details = options.details ?? [];
    return {
      module: HealthModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        LifecycleService,
        HealthChecks,
        ...(options.dataSource ? [options.dataSource] : []),
        ...details,
        { provide: HEALTH_DETAILS, useFactory: (...ps: HealthDetailsProvider[]) => ps, inject: details },
      ],
      exports: [LifecycleService],
    };
  }
}
