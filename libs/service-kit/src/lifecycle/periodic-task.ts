import { withSpan } from '@ha-shop/observability';

export interface PeriodicTaskOptions {
  /** The span of each pass, so a pass's log lines, calls and queries carry one trace id. */
  name: string;
  everyMs: number;
  /** One pass. `signal` aborts at stop(): a long pass ends early where it can. */
  run: (signal: AbortSignal) => Promise<unknown>;
  /** A pass failed; the next one retries. */
  onError: (err: unknown) => void;
}

/**
 * Work a service repeats on a timer in every replica (sweeps, retries, reloads): one pass at a
 * time (a tick that comes while a pass runs is skipped, not stacked), never what keeps the
 * process alive, and stopped by waiting for the running pass.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly stopping = new AbortController();

  constructor(private readonly opts: PeriodicTaskOptions) {}

  start(): void {
    this.timer ??= setInterval(() => void this.runNow(), this.opts.everyMs).unref();
  }

  /** A pass now, or the one already running; resolves when it is done, never rejects. */
  runNow(): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    this.running ??= withSpan(this.opts.name, () => this.opts.run(this.stopping.signal))
      .then(
        () => undefined,
        (err: unknown) => void this.opts.onError(err),
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
