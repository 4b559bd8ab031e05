import { EventLog } from '../event-log';

export interface PassiveEjectionOptions {
  replica: string;
  service: string;
  events: EventLog;
  /** Failed requests in a row that take the replica out of rotation. */
  ejectAfterFailures: number;
  /** Minimum time an ejected replica stays out, even if its readiness answers. */
  minEjectionMs: number;
  /** Called when the replica is ejected, so its pool and status see it at once. */
  onEject: () => void;
}

/**
 * What the edge learns about one replica from the requests it sends there: requests in
 * flight (least-request picking, drain before scale-in), requests served, and consecutive
 * failures that eject the replica without waiting for its readiness probe to notice.
 * The edge reports through these methods only; the replica reads the result.
 */
export class PassiveEjection {
  private failures = 0;
  private ejectedAt?: number;
  private inflightCount = 0;
  private servedCount = 0;

  constructor(private readonly opts: PassiveEjectionOptions) {}

  get ejected(): boolean {
    return this.ejectedAt !== undefined;
  }

  get inflight(): number {
    return this.inflightCount;
  }

  /** Requests the edge sent here (status and tests: "its requests go elsewhere"). */
  get served(): number {
    return this.servedCount;
  }

  /** One request sent here; the returned function ends it and may be called more than once. */
  requestStarted(): () => void {
    this.inflightCount += 1;
    this.servedCount += 1;
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      this.inflightCount -= 1;
    };
  }

  /** A response arrived (any status the replica itself produced). */
  recordSuccess(): void {
    this.failures = 0;
  }

  /** Connection error, timeout, or a 503 from a closing server. */
  recordFailure(reason: string): void {
    this.failures += 1;
    if (this.ejected || this.failures < this.opts.ejectAfterFailures) return;
    this.ejectedAt = Date.now();
    this.opts.events.add(
      'ejected',
      `${this.opts.replica} ejected after ${this.failures} failed requests (${reason})`,
      { service: this.opts.service, replica: this.opts.replica },
    );
    this.opts.onEject();
  }

  /** Readiness answered: an ejected replica comes back once it has been out long enough. */
  readinessPassed(): void {
    if (!this.ejected || Date.now() - (this.ejectedAt ?? 0) < this.opts.minEjectionMs) return;
    this.reset();
    this.opts.events.add('readmitted', `${this.opts.replica} readmitted: readiness is back`, {
      service: this.opts.service,
      replica: this.opts.replica,
    });
  }

  /** A new process: what the previous one did wrong no longer counts. */
  reset(): void {
    this.failures = 0;
    this.ejectedAt = undefined;
  }
}
