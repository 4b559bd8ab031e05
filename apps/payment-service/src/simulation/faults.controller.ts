import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { UpdateFaultsDto } from './dto/update-faults.dto';
import { FAULT_SECRET_HEADER, FaultSecretGuard } from './fault-secret.guard';
import { FaultSettings, ProviderFaults } from './provider-faults.service';

/** Runtime chaos control. Registered only when FAULT_INJECTION_SECRET is set. */
@ApiTags('faults')
@ApiHeader({ name: FAULT_SECRET_HEADER, required: true })
@Controller('internal/faults')
@UseGuards(FaultSecretGuard)
export class FaultsController {
  constructor(private readonly faults: ProviderFaults) {}

  @Get()
  get(): FaultSettings {
    return this.faults.settings;
  }

  @Put()
  update(@Body() dto: UpdateFaultsDto): FaultSettings {
    return this.faults.update(dto);
  }
}
