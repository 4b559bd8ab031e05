export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** A process that stayed up this long counts as healthy: the next crash starts from initialMs again. */
  resetAfterMs: number;
}

/** Restart delays for a crashing process: initial, x2, x2, ... capped; reset after a long enough run. */
export class BackoffPolicy {
  private attempt = 0;

  constructor(
    private readonly opts: BackoffOptions = { initialMs: 250, maxMs: 30_000, resetAfterMs: 30_000 },
  ) {}

  next(uptimeMs: number): number {
    if (uptimeMs >= this.opts.resetAfterMs) this.attempt = 0;
    const delay = Math.min(this.opts.initialMs * 2 ** this.attempt, this.opts.maxMs);
    this.attempt += 1;
    return delay;
  }
}
