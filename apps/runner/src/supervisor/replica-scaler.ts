import { EventLog } from '../event-log';
import { ServiceName, ServiceSpec } from '../services';
import { Replica } from './replica';
import { ServicePool } from './service-pool';
import { waitReady } from './wait-ready';

/** What scaling needs from the runner that owns the replicas. */
export interface ScaleHost {
  readonly pools: ReadonlyMap<ServiceName, ServicePool>;
  readonly specs: ReadonlyMap<ServiceName, ServiceSpec>;
  readonly events: EventLog;
  readonly startupTimeoutMs: number;
  /** Scaling happens only while the runner is running; a stop ends waits early. */
  running(): boolean;
  newReplica(spec: ServiceSpec, index: number): Promise<Replica>;
  startReplica(replica: Replica): void;
  /** A removed replica: no longer supervised, recorded or scraped. */
  forgetReplica(replica: Replica): void;
  syncTargets(): void;
}

/**
 * Scale-out adds replicas with the next free numbers, which take traffic once ready;
 * scale-in drains the newest ones (out of rotation, requests in flight finish) and stops them.
 */
export class ReplicaScaler {
  constructor(private readonly host: ScaleHost) {}

  async scaleTo(name: string, replicas: number): Promise<void> {
    const h = this.host;
    const pool = h.pools.get(name as ServiceName);
    const spec = h.specs.get(name as ServiceName);
    if (!pool || !spec || !h.running()) return;
    const added: Replica[] = [];
    while (pool.active.length + added.length < replicas) {
      const taken = new Set(pool.replicas.map((r) => r.id));
      let i = 1;
      while (taken.has(`${name}-${i}`) || added.some((r) => r.id === `${name}-${i}`)) i++;
      added.push(await h.newReplica(spec, i));
    }
    for (const r of added) {
      pool.add(r);
      h.startReplica(r);
    }
    h.syncTargets();
    const removed = pool.active.slice(replicas).reverse();
    await Promise.all([
      waitReady(added, h.startupTimeoutMs, () => !h.running()),
      ...removed.map((r) => this.drainAndStop(pool, r)),
    ]);
  }

  private async drainAndStop(pool: ServicePool, replica: Replica): Promise<void> {
    const h = this.host;
    pool.drain(replica);
    h.events.add('scale', `${replica.id} draining (scale-in)`, { service: pool.name, replica: replica.id });
    const deadline = Date.now() + 30_000;
    while (replica.inflight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await replica.stop();
    pool.remove(replica);
    h.forgetReplica(replica);
    h.syncTargets();
    h.events.add('scale', `${replica.id} removed (scale-in)`, { service: pool.name, replica: replica.id });
  }
}
