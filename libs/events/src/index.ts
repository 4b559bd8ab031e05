import { CreateOutbox1731000000000 } from './create-outbox.migration';
import { OutboxEventEntity } from './outbox-event.entity';
import { OutboxTxid1731300000015 } from './outbox-txid.migration';

export { OutboxEventEntity, CreateOutbox1731000000000 };
export { OutboxService, EVENT_SOURCE, UncataloguedEventError } from './outbox.service';
export { EventsModule } from './events.module';
export { EventFeedController } from './event-feed.controller';
export type { DomainEvent, EventFeedPage } from './domain-event';
export { formatFeedCursor, parseFeedCursor, type FeedPosition } from './feed-cursor';
export { EVENTS, isEventType, ORDER_STATUSES, payloadMismatches, readEvent } from './catalogue';
export type {
  CataloguedEvent,
  EventPayload,
  EventType,
  NewEvent,
  OrderStatus,
  OrderTransitionEvent,
} from './catalogue';

/** Add to a service's DatabaseModule entities / migrations. */
export const OUTBOX_ENTITIES = [OutboxEventEntity];
export const OUTBOX_MIGRATIONS = [CreateOutbox1731000000000, OutboxTxid1731300000015];
