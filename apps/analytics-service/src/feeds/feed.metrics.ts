import { Injectable } from '@nestjs/common';
import { counter, eventConsumerLagGauge } from '@ha-shop/observability';

/** Consumer-side feed metrics; reused if several services share one process (tests). */
@Injectable()
export class FeedMetrics {
  readonly consumed = counter(
    'events_consumed_total',
    'Events applied to the KPI aggregates, by producing service.',
    ['source'],
  );
  readonly duplicates = counter(
    'events_duplicate_total',
    'Events skipped because they were already applied.',
    ['source'],
  );
  readonly pollErrors = counter('event_feed_poll_errors_total', 'Failed polls of a producer feed.', [
    'source',
  ]);
  readonly lag = eventConsumerLagGauge();
}
