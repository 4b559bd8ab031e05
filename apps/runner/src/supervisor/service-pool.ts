import { Replica } from './replica';

/**
 * The replicas of one service and how traffic picks among them: the least busy
 * routable replica (round robin among equals). When none is routable, e.g. while
 * PostgreSQL is down and every readiness probe fails, it falls back to any running,
 * non-ejected replica ("panic mode", as Envoy does) so reads a service can still
 * answer from its cache are not refused by the edge.
 */
export class ServicePool {
  readonly replicas: Replica[] = [];
  /** Scale-in: out of rotation, finishing what they serve, about to stop. */
  private readonly draining = new Set<Replica>();
  private cursor = 0;

  constructor(readonly name: string) {}

  add(replica: Replica): void {
    this.replicas.push(replica);
  }

  /** Takes `replica` out of rotation for good (scale-in); requests already sent finish. */
  drain(replica: Replica): void {
    this.draining.add(replica);
  }

  isDraining(replica: Replica): boolean {
    return this.draining.has(replica);
  }

  remove(replica: Replica): void {
    this.draining.delete(replica);
    const i = this.replicas.indexOf(replica);
    if (i >= 0) this.replicas.splice(i, 1);
  }

  /** The replicas that count towards the service's size: all but the draining ones. */
  get active(): Replica[] {
    return this.replicas.filter((r) => !this.draining.has(r));
  }

  pick(exclude: ReadonlySet<Replica> = new Set()): Replica | undefined {
    const candidates = this.replicas.filter((r) => !exclude.has(r) && !this.draining.has(r));
    const tiers = [
      candidates.filter((r) => r.routable),
      candidates.filter((r) => r.state === 'running' && !r.ejected),
    ];
    for (const tier of tiers) {
      if (tier.length === 0) continue;
      this.cursor = (this.cursor + 1) % 1_000_000;
      const least = Math.min(...tier.map((r) => r.inflight));
      const best = tier.filter((r) => r.inflight === least);
      return best[this.cursor % best.length];
    }
    return undefined;
  }

  get readyCount(): number {
    return this.active.filter((r) => r.routable).length;
  }

  allReady(): boolean {
    return (
      this.replicas.length > 0 && this.replicas.every((r) => r.ready && r.state === 'running' && !r.ejected)
    );
  }
}
