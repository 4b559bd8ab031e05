import * as k8s from '@kubernetes/client-node';
import { errorText, isConflict, isNotFound } from './kube';

export interface LeaderElectionOptions {
  api: k8s.CoordinationV1Api;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  log: (message: string) => void;
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it:
 * a candidate takes the Lease when it is free, released, or has not changed
 * for leaseDuration by the candidate's own clock (so clocks need not agree);
 * the leader renews every retryPeriod and steps down when it could not renew
 * within renewDeadline, before anyone else may take over. Every write is a
 * compare-and-swap on resourceVersion, so two candidates never both win.
 */
export class LeaderElector {
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private stopped = false;
  private lastRenew = 0;
  /** The last record seen and when (local clock) it was seen to change. */
  private observed: { key: string; at: number } | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly o: LeaderElectionOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops campaigning; a leader releases the Lease so a follower takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (this.leading) {
      this.setLeading(false);
      await this.release().catch((err: unknown) => this.o.log(`lease release failed: ${errorText(err)}`));
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tryAcquireOrRenew().finally(() => {
        this.running = undefined;
        this.schedule(this.o.retryPeriodMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async tryAcquireOrRenew(): Promise<void> {
    const now = Date.now();
    try {
      const ok = await this.acquireOrRenew(now);
      if (ok) {
        this.lastRenew = now;
        if (!this.leading) this.setLeading(true);
        return;
      }
    } catch (err) {
      this.o.log(`lease ${this.o.namespace}/${this.o.name}: ${errorText(err)}`);
    }
    if (this.leading && Date.now() - this.lastRenew > this.o.renewDeadlineMs) {
      this.o.log(`lease not renewed for ${this.o.renewDeadlineMs} ms; stepping down`);
      this.setLeading(false);
    }
  }

  private setLeading(value: boolean): void {
    this.leading = value;
    this.o.log(`${this.o.identity} ${value ? 'became the leader' : 'stopped leading'}`);
    if (value) this.o.onStartedLeading();
    else this.o.onStoppedLeading();
  }

  private async acquireOrRenew(now: number): Promise<boolean> {
    const { api, namespace, name, identity } = this.o;
    let lease: k8s.V1Lease;
    try {
      lease = await api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await api.createNamespacedLease({
          namespace,
          body: { metadata: { name, namespace }, spec: this.spec(now, 0, now) },
        });
        return true;
      } catch (e) {
        if (isConflict(e)) return false;
        throw e;
      }
    }
    const spec = lease.spec ?? {};
    const key = `${spec.holderIdentity ?? ''}/${spec.renewTime ? new Date(spec.renewTime).getTime() : ''}/${spec.leaseTransitions ?? 0}`;
    if (this.observed?.key !== key) this.observed = { key, at: now };
    const holder = spec.holderIdentity ?? '';
    const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
    const expired = now - this.observed.at > durationMs;
    if (holder !== '' && holder !== identity && !expired) return false;

    const transitions = (spec.leaseTransitions ?? 0) + (holder === identity ? 0 : 1);
    const acquired = holder === identity && spec.acquireTime ? new Date(spec.acquireTime).getTime() : now;
    try {
      await api.replaceNamespacedLease({
        name,
        namespace,
        body: { metadata: lease.metadata, spec: this.spec(now, transitions, acquired) },
      });
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  private spec(now: number, transitions: number, acquired: number): k8s.V1LeaseSpec {
    return {
      holderIdentity: this.o.identity,
      leaseDurationSeconds: Math.ceil(this.o.leaseDurationMs / 1000),
      acquireTime: new k8s.V1MicroTime(acquired),
      renewTime: new k8s.V1MicroTime(now),
      leaseTransitions: transitions,
    };
  }

  /** Hands the Lease back: an empty holder lets the next candidate take it without waiting it out. */
  private async release(): Promise<void> {
    const { api, namespace, name, identity } = this.o;
    const lease = await api.readNamespacedLease({ name, namespace });
    if (lease.spec?.holderIdentity !== identity) return;
    await api.replaceNamespacedLease({
      name,
      namespace,
      body: {
        metadata: lease.metadata,
        spec: {
          ...lease.spec,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          renewTime: new k8s.V1MicroTime(Date.now()),
        },
      },
    });
  }
}
