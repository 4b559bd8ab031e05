import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MetricsController } from './metrics.controller';
import { OBSERVABILITY_OPTIONS, ObservabilityOptions, ObservabilityService } from './observability.service';

/** `/metrics` plus the HTTP, database-pool, outbox and process metrics of one service. */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [DiscoveryModule],
      controllers: [MetricsController],
      providers: [{ provide: OBSERVABILITY_OPTIONS, useValue: options }, ObservabilityService],
    };
  }
}
