import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the timeout error. */
  what?: string;
  /**
   * Rethrow the first error `check` throws instead of polling on: for checks whose errors
   * are findings (a failed request) rather than "not yet" (a service still starting).
   */
  failFast?: boolean;
}

/**
 * Polls until `check` returns a value that is not undefined/false, or fails with the
 * last observed value after `timeoutMs`. For eventually-consistent effects (feeds, workers).
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 100, what = 'condition', failFast = false }: WaitForOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      if (failFast) throw err;
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${String(last)}`);
    await sleep(intervalMs);
  }
}
