import { Controller, Get, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InternalOnly } from '@ha-shop/auth';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { EventFeedPage } from './domain-event';
import { FEED_CURSOR_PATTERN } from './feed-cursor';
import { OutboxService } from './outbox.service';

export class FeedQueryDto {
  @ApiPropertyOptional({
    description:
      'Cursor: nextCursor of the previous page (`<txid>.<seq>`; a bare seq from older pages works)',
    default: '0',
  })
  @IsOptional()
  @Matches(FEED_CURSOR_PATTERN, { message: 'after must be a feed cursor (<txid>.<seq> or <seq>)' })
  after?: string;

  @ApiProperty({ required: false, minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

/** The pull feed analytics (and any future broker relay) reads; never routed by the edge. */
@ApiTags('events')
@Controller('events')
export class EventFeedController {
  constructor(private readonly outbox: OutboxService) {}

  @Get()
  @InternalOnly()
  feed(@Query() query: FeedQueryDto): Promise<EventFeedPage> {
    return this.outbox.page(query.after ?? '0', query.limit ?? 100);
  }
}
