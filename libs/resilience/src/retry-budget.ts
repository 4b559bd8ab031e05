/**
 * Retry budget as a token bucket (the scheme of gRPC retry throttling and Finagle's
 * RetryBudget). cockatiel's retry policy only bounds retries *per call*; under a full
 * outage every call would still multiply into 1 + retries attempts and triple the load on
 * a dependency that is already struggling. The budget bounds retries *across* calls:
 *
 * - every first attempt deposits `ratio` tokens (capped at `burst`);
 * - every retry withdraws one token, and is skipped when there is none.
 *
 * So over any stretch of time, retries ≤ burst + ratio × requests, i.e. total attempts
 * ≤ requests × (1 + ratio) + burst, no matter how many callers fail at once. The bucket
 * starts full so a quiet dependency can still retry its first few blips.
 */
export class RetryBudget {
  private tokens: number;
  private readonly cap: number;

  constructor(
    private readonly ratio: number,
    burst: number,
  ) {
    this.tokens = burst;
    // At least one token of headroom, or a zero burst would silently disable the ratio too.
    this.cap = Math.max(1, burst);
  }

  /** Record a first attempt (not a retry). */
  deposit(): void {
    this.tokens = Math.min(this.cap, this.tokens + this.ratio);
  }

  /** Take one token for a retry; false means the budget is spent and the call must not retry. */
  tryWithdraw(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  get available(): number {
    return Math.floor(this.tokens);
  }
}
