import { DynamicModule, Module } from '@nestjs/common';
import { FaultsController } from './faults.controller';
import { ProviderAvailabilityGuard } from './provider-availability.guard';
import { ProviderFaults } from './provider-faults.service';

@Module({})
export class SimulationModule {
  /** Without a fault secret the switch's routes do not exist (404), rather than merely refusing. */
  static forRoot(options: { faultSwitch: boolean }): DynamicModule {
    return {
      module: SimulationModule,
      global: true,
      controllers: options.faultSwitch ? [FaultsController] : [],
      providers: [ProviderFaults, ProviderAvailabilityGuard],
      exports: [ProviderFaults, ProviderAvailabilityGuard],
    };
  }
}
