export { EVENTS, isEventType, payloadMismatches, readEvent } from './event-catalogue';
export { ORDER_STATUSES } from './order-events';
export type { OrderStatus } from './order-events';
export type {
  CataloguedEvent,
  EventPayload,
  EventType,
  NewEvent,
  OrderTransitionEvent,
} from './event-catalogue';
