/** An event as it travels on a feed. `source` + `seq` is the cursor; `id` is the dedupe key. */
export interface DomainEvent<P = Record<string, unknown>> {
  id: string;
  seq: string;
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
  /** Pass as `after` to get the next page; equal to the request's `after` when nothing new. */
  nextCursor: string;
  hasMore: boolean;
  /** Newest seq on the producer when the page was read; `head - cursor` is the consumer's lag. */
  headSeq: string;
}
