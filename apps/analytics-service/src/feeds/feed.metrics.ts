import { Injectable } from '@nestjs/common';
import { Counter, Gauge, register } from 'prom-client';

function counter(name: string, help: string): Counter<'source'> {
  return (
    (register.getSingleMetric(name) as Counter<'source'>) ??
    new Counter({ name, help, labelNames: ['source'] })
  );
}

/** Consumer-side feed metrics; reused if several services share one process (tests). */
@Injectable()
export class FeedMetrics {
  readonly consumed = counter(
    'events_consumed_total',
    'Events applied to the KPI aggregates, by producing service.',
  );
  readonly duplicates = counter(
    'events_duplicate_total',
    'Events skipped because they were already applied.',
  );
  readonly pollErrors = counter('event_feed_poll_errors_total', 'Failed polls of a producer feed.');
  readonly lag =
    (register.getSingleMetric('event_consumer_lag_events') as Gauge<'source'>) ??
    new Gauge({
      name: 'event_consumer_lag_events',
      help: 'Events published by a producer but not yet applied.',
      labelNames: ['source'],
    });
}
