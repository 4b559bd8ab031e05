import { Module } from '@nestjs/common';
import { EventApplier } from './event-applier.service';
import { FeedMetrics } from './feed.metrics';
import { FeedPuller } from './feed-puller.service';

@Module({
  providers: [EventApplier, FeedPuller, FeedMetrics],
  exports: [FeedPuller, EventApplier],
})
export class FeedsModule {}
