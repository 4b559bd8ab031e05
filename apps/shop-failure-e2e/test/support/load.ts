// A bounded stream of client work: N workers loop until stopped, never more than `maxIterations`
// in total, with a short pause between iterations so two cores stay usable for the services.
import { setTimeout as sleep } from 'node:timers/promises';
import type { WaitForOptions } from '@ha-shop/testkit';

export interface Stream {
  readonly iterations: number;
  stop(): Promise<void>;
}

export function startStream(opts: {
  workers: number;
  maxIterations: number;
  pauseMs?: number;
  body: (worker: number, iteration: number) => Promise<void>;
}): Stream {
  let stopped = false;
  let iterations = 0;
  const loops = Array.from({ length: opts.workers }, async (_, worker) => {
    while (!stopped && iterations < opts.maxIterations) {
      const n = iterations++;
      await opts.body(worker, n).catch(() => undefined);
      await sleep(opts.pauseMs ?? 20);
    }
  });
  return {
    get iterations() {
      return iterations;
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/**
 * Options for `waitFor` in these tests: an error thrown while polling (a refused request) is a
 * finding and fails at once, rather than counting as "not yet".
 */
export function failureWait(what: string, timeoutMs = 30_000, intervalMs = 100): WaitForOptions {
  return { what, timeoutMs, intervalMs, failFast: true };
}
