import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '@ha-shop/auth';
import { IsIn, IsOptional } from 'class-validator';
import { FeedPuller, FeedStatus } from '../feeds/feed-puller.service';
import { KPI_WINDOWS, Kpis, KpiWindow } from '@ha-shop/service-kit';
import { KpiService } from './kpi.service';

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

  /** Aggregate figures, but revenue and feed errors are the business's own: admins only. */
  @Get('kpis')
  @AdminOnly()
  @ApiBearerAuth()
  async get(@Query() query: KpiQueryDto): Promise<Kpis & { feeds: FeedStatus[] }> {
    return { ...(await this.kpis.compute(query.window ?? '1h')), feeds: this.feeds.statuses() };
  }
}
