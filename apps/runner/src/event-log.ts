import { EventEmitter } from 'node:events';

export type RunnerEventKind =
  | 'runner'
  | 'postgres'
  | 'replica-started'
  | 'replica-ready'
  | 'replica-unready'
  | 'replica-exited'
  | 'replica-restart-scheduled'
  | 'replica-killed'
  | 'ejected'
  | 'readmitted'
  | 'chaos'
  | 'fault'
  | 'scale'
  | 'alert';

export interface RunnerEvent {
  seq: number;
  at: string;
  kind: RunnerEventKind;
  service?: string;
  replica?: string;
  message: string;
  data?: Record<string, unknown>;
}

/** Recent runner events (restarts, ejections, chaos) for the status API and the dashboard. */
export class EventLog {
  private readonly items: RunnerEvent[] = [];
  private seq = 0;
  private readonly emitter = new EventEmitter();

  constructor(private readonly capacity = 500) {
    this.emitter.setMaxListeners(100);
  }

  add(
    kind: RunnerEventKind,
    message: string,
    extra: Omit<Partial<RunnerEvent>, 'seq' | 'at' | 'kind' | 'message'> = {},
  ): RunnerEvent {
    const event: RunnerEvent = { seq: ++this.seq, at: new Date().toISOString(), kind, message, ...extra };
    this.items.push(event);
    if (this.items.length > this.capacity) this.items.shift();
    this.emitter.emit('event', event);
    return event;
  }

  since(after = 0, limit = 200): RunnerEvent[] {
    return this.items.filter((e) => e.seq > after).slice(-limit);
  }

  subscribe(listener: (event: RunnerEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
