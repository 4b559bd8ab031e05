import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { type EventFeedPage, parseFeedCursor } from '@ha-shop/events';
import { withSpan } from '@ha-shop/observability';
import { PolicyRegistry, ServiceClient } from '@ha-shop/resilience';
import { DataSource } from 'typeorm';
import { AnalyticsEnv, parseFeedSources } from '../config/analytics.env';
import { EventApplier } from './event-applier.service';
import { FeedMetrics } from './feed.metrics';

export interface FeedStatus {
  source: string;
  cursor: string;
  headSeq: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
}

interface Feed {
  source: string;
  client: ServiceClient;
  status: FeedStatus;
  timer?: NodeJS.Timeout;
}

/**
 * Pulls every producer's outbox feed with a durable cursor. Each poll is one
 * transaction holding a per-source advisory lock, so replicas of analytics never
 * apply the same page concurrently, and the cursor moves only with the effects.
 */
@Injectable()
export class FeedPuller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FeedPuller.name);
  private readonly feeds: Feed[];
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly applier: EventApplier,
    private readonly env: AnalyticsEnv,
    private readonly metrics: FeedMetrics,
    registry: PolicyRegistry,
  ) {
    this.feeds = parseFeedSources(env.FEED_SOURCES).map(({ source, urls }) => {
      let next = 0;
      const client = new ServiceClient({
        // `#source` gives each producer its own breaker, so one dead producer can't stop the others.
        dependency: `analytics→feed#${source}`,
        // Replicas of a producer serve the same feed; rotate so one dead replica only costs a retry.
        baseUrl: () => urls[next++ % urls.length],
        registry,
        internalToken: env.INTERNAL_TOKEN,
      });
      return {
        source,
        client,
        status: { source, cursor: '0', headSeq: null, lastSuccessAt: null, lastError: null },
      };
    });
  }

  onApplicationBootstrap(): void {
    for (const feed of this.feeds) this.schedule(feed, 0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    for (const feed of this.feeds) {
      clearTimeout(feed.timer);
      await feed.client.close();
    }
  }

  statuses(): FeedStatus[] {
    return this.feeds.map((f) => ({ ...f.status }));
  }

  /** One poll of one source; returns whether more events are waiting. Exposed for tests. */
  async pollOnce(source: string): Promise<boolean> {
    const feed = this.feeds.find((f) => f.source === source);
    if (!feed) throw new Error(`unknown feed ${source}`);
    return this.poll(feed);
  }

  private schedule(feed: Feed, delayMs: number): void {
    if (this.stopped) return;
    feed.timer = setTimeout(() => {
      this.poll(feed).then(
        (more) => this.schedule(feed, more ? 0 : this.env.FEED_POLL_INTERVAL_MS),
        (err: unknown) => {
          feed.status.lastError = (err as Error).message;
          this.metrics.pollErrors.inc({ source: feed.source });
          this.logger.warn({ source: feed.source, err: (err as Error).message }, 'feed poll failed');
          this.schedule(feed, this.env.FEED_POLL_INTERVAL_MS);
        },
      );
    }, delayMs);
    feed.timer.unref();
  }

  private poll(feed: Feed): Promise<boolean> {
    // A span per poll gives the worker's log lines a trace id, like a request's.
    return withSpan(`poll ${feed.source}`, () => this.pollInTransaction(feed));
  }

  private async pollInTransaction(feed: Feed): Promise<boolean> {
    const more = await this.dataSource.transaction(async (m) => {
      const [{ locked }] = (await m.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [
        `analytics-feed:${feed.source}`,
      ])) as Array<{ locked: boolean }>;
      if (!locked) return false;
      const after = await this.applier.cursor(feed.source, m);
      const res = await feed.client.request<EventFeedPage>({
        method: 'GET',
        path: `/events?after=${after}&limit=${this.env.FEED_BATCH_SIZE}`,
        idempotent: true,
      });
      if (res.status !== 200) throw new Error(`feed ${feed.source} answered ${res.status}`);
      const page = res.body;
      const result = await this.applier.applyPage(feed.source, page.events, m);
      feed.status.cursor = page.nextCursor;
      feed.status.headSeq = page.headSeq;
      this.metrics.consumed.inc({ source: feed.source }, result.applied);
      this.metrics.duplicates.inc({ source: feed.source }, result.duplicates);
      // Feed order is (txid, seq), so the cursor's seq may trail a few events already applied:
      // the lag over-counts by at most the transactions committing at the moment.
      this.metrics.lag.set(
        { source: feed.source },
        Math.max(0, Number(page.headSeq) - Number(parseFeedCursor(page.nextCursor).seq)),
      );
      return page.hasMore;
    });
    feed.status.lastSuccessAt = new Date().toISOString();
    feed.status.lastError = null;
    return more;
  }
}
