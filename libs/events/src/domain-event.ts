/** An event as it travels on a feed. `source` + `position` is the cursor; `id` is the dedupe key. */
export interface DomainEvent<P = Record<string, unknown>> {
  id: string;
  /** Append order on the producer: unique, but not feed order; for humans and the lag metric. */
  seq: string;
  /** Feed position (`<txid>.<seq>`, see feed-cursor.ts): pass as `after` to resume right after it. */
  position: string;
  source: string;
  type: string;
  aggregateId: string;
  payload: P;
  traceparent: string | null;
  occurredAt: string;
}

export interface EventFeedPage {
  source: string;
  events: DomainEvent[];
  /** Pass as `after` to get the next page: the last event's position, or the request's `after`. */
  nextCursor: string;
  hasMore: boolean;
  /**
   * Newest seq on the producer when the page was read; `head - seq of the cursor` is the
   * consumer's lag, over-counting by at most the events of transactions still committing.
   */
  headSeq: string;
}
