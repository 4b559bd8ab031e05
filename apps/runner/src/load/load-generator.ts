import { setTimeout as sleep } from 'node:timers/promises';
import { AcceptedOrder, Catalog, DEFAULT_WEIGHTS, JourneyName, Journeys, loadCatalog } from './journeys';
import { ShopClient } from './shop-client';
import { LoadStats } from './stats';

export interface LoadOptions {
  baseUrl: string;
  /** Concurrent virtual users. */
  users: number;
  /** Pause between one user's journeys (randomised ±50 %). */
  thinkTimeMs: number;
  weights?: Partial<Record<JourneyName, number>>;
  /** See ShopClientOptions.retryIdempotent. */
  retryIdempotent?: boolean;
  retryBudgetMs?: number;
}

/**
 * A small, bounded load generator on undici: N virtual users each run weighted
 * journeys (browse, search, view, cart, checkout with a test card) until stopped.
 * Every request is attributed to the phase that was current when it started, so a
 * scenario can switch phases while load runs and compare them.
 */
export class LoadGenerator {
  readonly stats = new LoadStats();
  readonly orders: AcceptedOrder[] = [];
  private phaseName = 'warm-up';
  private running = false;
  private workers: Promise<void>[] = [];
  private readonly client: ShopClient;
  private catalog?: Catalog;
  private readonly weights: Array<[JourneyName, number]>;

  constructor(private readonly opts: LoadOptions) {
    this.client = new ShopClient({
      baseUrl: opts.baseUrl,
      retryIdempotent: opts.retryIdempotent ?? true,
      retryBudgetMs: opts.retryBudgetMs ?? 30_000,
      timeoutMs: 30_000,
      connections: Math.max(4, opts.users * 2),
      record: (phase, r) => this.stats.record(phase, r),
      phase: () => this.phaseName,
    });
    const weights = { ...DEFAULT_WEIGHTS, ...opts.weights };
    this.weights = (Object.entries(weights) as Array<[JourneyName, number]>).filter(([, w]) => w > 0);
  }

  get phase(): string {
    return this.phaseName;
  }

  setPhase(name: string): void {
    this.phaseName = name;
  }

  async start(): Promise<void> {
    const previous = this.phaseName;
    this.phaseName = 'catalog';
    this.catalog ??= await loadCatalog(this.client);
    this.phaseName = previous;
    const journeys = new Journeys(
      this.client,
      this.catalog,
      (order) => {
        this.orders.push(order);
        this.stats.orderAccepted(order.phase);
      },
      () => this.phaseName,
    );
    this.running = true;
    this.workers = Array.from({ length: this.opts.users }, (_, i) => this.user(journeys, i));
  }

  /** Stops starting journeys and waits for the ones in flight (bounded by the client's timeouts). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    this.workers = [];
  }

  async close(): Promise<void> {
    await this.stop();
    await this.client.close();
  }

  private async user(journeys: Journeys, index: number): Promise<void> {
    // Stagger the start so users do not move in lockstep.
    await sleep(index * 37);
    while (this.running) {
      try {
        await journeys.run(this.pickJourney());
      } catch {
        // A journey's failures are already recorded per request.
      }
      await sleep(this.opts.thinkTimeMs * (0.5 + Math.random()));
    }
  }

  private pickJourney(): JourneyName {
    const total = this.weights.reduce((s, [, w]) => s + w, 0);
    let r = Math.random() * total;
    for (const [name, w] of this.weights) {
      r -= w;
      if (r <= 0) return name;
    }
    return this.weights[0][0];
  }
}
