// Watches `/health/ready` of some processes the way a load balancer would (every 100 ms) and
// keeps each one's transitions.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceProcess } from './service-process';

export interface Transition {
  at: number;
  ready: boolean;
  /** HTTP status of the probe, 0 when nothing answered. */
  status: number;
}

export class ReadinessWatch {
  readonly transitions = new Map<string, Transition[]>();
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly processes: ServiceProcess[],
    private readonly intervalMs = 100,
  ) {}

  start(): this {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await Promise.all(this.processes.map((p) => this.observe(p)));
        await sleep(this.intervalMs);
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** When `id` was first seen not ready after `since`, and ready again after that. */
  downAndUp(id: string, since: number): { downAt?: number; upAt?: number } {
    const list = this.transitions.get(id) ?? [];
    const down = list.find((t) => t.at >= since && !t.ready);
    const up = down && list.find((t) => t.at > down.at && t.ready);
    return { downAt: down?.at, upAt: up?.at };
  }

  /** The first time `id` was seen not ready after `since`. */
  firstNotReady(id: string, since: number): Transition | undefined {
    return (this.transitions.get(id) ?? []).find((t) => t.at >= since && !t.ready);
  }

  private async observe(p: ServiceProcess): Promise<void> {
    const status = await p.probe('/health/ready', 1500);
    const list = this.transitions.get(p.id) ?? [];
    this.transitions.set(p.id, list);
    const ready = status === 200;
    if (list.at(-1)?.ready !== ready) list.push({ at: Date.now(), ready, status });
  }
}
