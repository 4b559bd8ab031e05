// A bounded stream of client work: N workers loop until stopped, never more than `maxIterations`
// in total, with a short pause between iterations so two cores stay usable for the services.
import { setTimeout as sleep } from 'node:timers/promises';

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

/** Polls `check` every `intervalMs` until it returns a value, or throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  { timeoutMs = 30_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
