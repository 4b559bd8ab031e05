import { EventLog } from '../event-log';

export interface ReplicaFreezeOptions {
  replica: string;
  service: string;
  events: EventLog;
  /** Sends a signal to the replica's current process (a no-op once it is gone). */
  signal: (sig: NodeJS.Signals) => void;
}

/**
 * Chaos's "stuck process": SIGSTOP now, SIGCONT later. The process stays alive and keeps
 * its sockets open but answers nothing, which is what liveness probes and passive
 * ejection have to notice.
 */
export class ReplicaFreeze {
  private until?: number;
  private timer?: NodeJS.Timeout;

  constructor(private readonly opts: ReplicaFreezeOptions) {}

  get frozen(): boolean {
    return this.until !== undefined;
  }

  /** SIGSTOP now, SIGCONT after `ms` unless `sameProcess()` says it was restarted meanwhile. */
  freeze(ms: number, sameProcess: () => boolean): void {
    this.opts.signal('SIGSTOP');
    this.until = Date.now() + ms;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (sameProcess()) this.thaw();
    }, ms);
  }

  thaw(): boolean {
    clearTimeout(this.timer);
    if (this.until === undefined) return false;
    this.until = undefined;
    this.opts.signal('SIGCONT');
    this.opts.events.add('chaos', `${this.opts.replica} resumed (SIGCONT)`, {
      service: this.opts.service,
      replica: this.opts.replica,
    });
    return true;
  }

  /** The frozen process is gone: no SIGCONT is owed to it. */
  forget(): void {
    clearTimeout(this.timer);
    this.until = undefined;
  }
}
