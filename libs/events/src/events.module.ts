import { DynamicModule, Module } from '@nestjs/common';
import { EventFeedController } from './event-feed.controller';
import { EVENT_SOURCE, OutboxService } from './outbox.service';

/** Transactional outbox plus its pull feed (`GET /events?after=&limit=`). */
@Module({})
export class EventsModule {
  static forRoot(options: { source: string }): DynamicModule {
    return {
      module: EventsModule,
      global: true,
      controllers: [EventFeedController],
      providers: [{ provide: EVENT_SOURCE, useValue: options.source }, OutboxService],
      exports: [OutboxService],
    };
  }
}
