import { Gauge, register } from 'prom-client';
import { gauge, singleton } from './registry';

/** What the outbox-lag metric needs from `@ha-shop/events`' OutboxService. */
export interface OutboxHeadSource {
  readonly source: string;
  headSeq(): Promise<string>;
}

const outboxes = new Set<OutboxHeadSource>();
const HEAD_TIMEOUT_MS = 1000;

/**
 * `outbox_head_seq{source}`: the newest outbox sequence number, read at scrape time. A
 * source whose database does not answer quickly is left out of that scrape (absent, not
 * stale), so a scrape never hangs on a sick database.
 */
export function registerOutbox(outbox: OutboxHeadSource): () => void {
  singleton(
    'outbox_head_seq',
    () =>
      new Gauge({
        name: 'outbox_head_seq',
        help: 'Newest sequence number in the service outbox (events appended so far)',
        labelNames: ['source'],
        registers: [register],
        async collect() {
          this.reset();
          const heads = await Promise.all(
            [...outboxes].map(async (o) => ({
              source: o.source,
              head: await withTimeout(o.headSeq(), HEAD_TIMEOUT_MS),
            })),
          );
          for (const { source, head } of heads) {
            if (head !== undefined) this.set({ source }, Number(head));
          }
        },
      }),
  );
  outboxes.add(outbox);
  return () => outboxes.delete(outbox);
}

/**
 * Consumer-side gauges for a feed reader (analytics-service): set `lag` to head - cursor
 * and `cursor` to the last applied seq, per source, after each poll.
 */
export function eventConsumerMetrics() {
  return {
    lag: gauge('event_consumer_lag_events', 'Events a consumer has not applied yet, per source feed', [
      'source',
    ]),
    cursor: gauge('event_consumer_cursor_seq', 'Last sequence number a consumer applied, per source feed', [
      'source',
    ]),
  };
}

/** The consumer lag gauge alone (`event_consumer_lag_events{source}`). */
export function eventConsumerLagGauge() {
  return eventConsumerMetrics().lag;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
