import { Module } from '@nestjs/common';
import { FeedsModule } from '../feeds/feeds.module';
import { KpiController } from './kpi.controller';
import { KpiMetrics } from './kpi.metrics';
import { KpiService } from './kpi.service';

@Module({
  imports: [FeedsModule],
  controllers: [KpiController],
  providers: [KpiService, KpiMetrics],
})
export class KpisModule {}
