import { Controller, Get, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { FeedPuller, FeedStatus } from '../feeds/feed-puller.service';
import { KPI_WINDOWS, KpiService, Kpis, KpiWindow } from './kpi.service';

export class KpiQueryDto {
  @ApiPropertyOptional({ enum: Object.keys(KPI_WINDOWS), default: '1h' })
  @IsOptional()
  @IsIn(Object.keys(KPI_WINDOWS), { message: `window must be one of ${Object.keys(KPI_WINDOWS).join(', ')}` })
  window?: KpiWindow;
}

@ApiTags('analytics')
@Controller('analytics')
export class KpiController {
  constructor(
    private readonly kpis: KpiService,
    private readonly feeds: FeedPuller,
  ) {}

  /** Aggregate business figures only; no per-customer data, so no sign-in needed. */
  @Get('kpis')
  async get(@Query() query: KpiQueryDto): Promise<Kpis & { feeds: FeedStatus[] }> {
    return { ...(await this.kpis.compute(query.window ?? '1h')), feeds: this.feeds.statuses() };
  }
}
