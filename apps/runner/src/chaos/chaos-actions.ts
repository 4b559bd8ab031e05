import { request } from 'undici';
import { Runner } from '../runner';
import { ServiceName } from '../services';
import { Replica } from '../supervisor/replica';

export class ChaosError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface FaultRequest {
  latencyMs?: number;
  errorRate?: number;
  /** payment-service only: share of charges declined. */
  declineRate?: number;
  /** payment-service only: share of /payments answered 503 (errorRate maps to this there). */
  outageRate?: number;
}

export interface ChaosResult {
  action: string;
  target: string;
  detail: string;
  until?: string;
}

/** Chaos actions the CLI and the status API offer, all on the runner's own processes. */
export class Chaos {
  private pgTimer?: NodeJS.Timeout;
  private pgOutage?: Promise<void>;

  constructor(private readonly runner: Runner) {
    runner.readyListeners.push((replica) => void this.reapplyFaults(replica));
  }

  /** SIGKILL one replica (the given one, else a random running one); self-healing restarts it. */
  kill(service: string, replica?: number): ChaosResult {
    const target = this.pickReplica(service, replica);
    if (!target.kill('killed by chaos (SIGKILL)')) throw new ChaosError(409, `${target.id} is not running`);
    this.note(`kill ${target.id} (pid ${target.snapshot().pid ?? '?'})`, service, target);
    return { action: 'kill', target: target.id, detail: 'SIGKILL sent' };
  }

  /** SIGSTOP one replica for `seconds`, then SIGCONT: it hangs without dying, as a stuck process does. */
  freeze(service: string, seconds: number, replica?: number): ChaosResult {
    const target = this.pickReplica(service, replica);
    const ms = Math.round(seconds * 1000);
    if (!target.freeze(ms)) throw new ChaosError(409, `${target.id} is not running`);
    this.note(`freeze ${target.id} for ${seconds} s (SIGSTOP)`, service, target);
    return {
      action: 'freeze',
      target: target.id,
      detail: 'SIGSTOP sent',
      until: new Date(Date.now() + ms).toISOString(),
    };
  }

  /** Stops PostgreSQL (fast shutdown) and starts it again after `seconds`. */
  stopPostgres(seconds: number): ChaosResult {
    const pg = this.runner.postgres;
    if (pg.state !== 'running' || this.pgOutage) throw new ChaosError(409, `PostgreSQL is ${pg.state}`);
    const ms = Math.round(seconds * 1000);
    this.note(`stop PostgreSQL for ${seconds} s`);
    this.pgOutage = (async () => {
      await pg.stop();
      await new Promise<void>((resolve) => {
        this.pgTimer = setTimeout(resolve, ms);
        this.pgResume = resolve;
      });
      pg.restarts += 1;
      await pg.start();
      this.note('PostgreSQL started again');
    })()
      .catch((err: unknown) => this.note(`PostgreSQL restart failed: ${(err as Error).message}`))
      .finally(() => {
        this.pgOutage = undefined;
        this.pgResume = undefined;
      });
    return {
      action: 'postgres-stop',
      target: 'postgres',
      detail: 'fast shutdown',
      until: new Date(Date.now() + ms).toISOString(),
    };
  }

  /** Latency and/or an error rate on every replica of a service, through its fault switch. */
  async faults(service: string, req: FaultRequest): Promise<ChaosResult> {
    const pool = this.pool(service);
    const body = faultBody(service as ServiceName, req);
    if (Object.keys(body).length === 0)
      throw new ChaosError(400, 'give latencyMs, errorRate, declineRate or outageRate');
    this.runner.faults.set(service as ServiceName, {
      ...this.runner.faults.get(service as ServiceName),
      ...body,
    });
    const results = await Promise.all(
      pool.replicas.filter((r) => r.running).map((r) => this.putFaults(r, body)),
    );
    this.note(`faults on ${service}: ${JSON.stringify(body)}`, service);
    return { action: 'faults', target: service, detail: results.join('; ') };
  }

  /** Everything back to normal: thaw, clear faults, PostgreSQL up. Killed replicas heal themselves. */
  async heal(): Promise<ChaosResult> {
    const done: string[] = [];
    for (const pool of this.runner.pools.values()) {
      for (const r of pool.replicas) if (r.thaw()) done.push(`thawed ${r.id}`);
    }
    for (const service of [...this.runner.faults.keys()]) {
      const zero = Object.fromEntries(Object.keys(this.runner.faults.get(service) ?? {}).map((k) => [k, 0]));
      this.runner.faults.delete(service);
      const pool = this.runner.pools.get(service);
      if (pool) await Promise.all(pool.replicas.filter((r) => r.running).map((r) => this.putFaults(r, zero)));
      done.push(`cleared faults on ${service}`);
    }
    if (this.pgOutage) {
      clearTimeout(this.pgTimer);
      this.pgResume?.();
      await this.pgOutage;
      done.push('PostgreSQL started');
    }
    this.note(`heal: ${done.join(', ') || 'nothing to heal'}`);
    return { action: 'heal', target: 'all', detail: done.join(', ') || 'nothing to heal' };
  }

  private pgResume?: () => void;

  private pool(service: string) {
    const pool = this.runner.pools.get(service as ServiceName);
    if (!pool)
      throw new ChaosError(
        404,
        `unknown or not running service "${service}" (running: ${[...this.runner.pools.keys()].join(', ')})`,
      );
    return pool;
  }

  private pickReplica(service: string, index?: number): Replica {
    const pool = this.pool(service);
    if (index !== undefined) {
      const r = pool.replicas[index - 1];
      if (!r) throw new ChaosError(404, `${service} has no replica ${index} (1..${pool.replicas.length})`);
      return r;
    }
    const candidates = pool.replicas.filter((r) => r.routable);
    const any = candidates.length > 0 ? candidates : pool.replicas.filter((r) => r.running);
    if (any.length === 0) throw new ChaosError(409, `${service} has no running replica`);
    return any[Math.floor(Math.random() * any.length)];
  }

  private async reapplyFaults(replica: Replica): Promise<void> {
    const body = this.runner.faults.get(replica.opts.service as ServiceName);
    if (body) await this.putFaults(replica, body);
  }

  private async putFaults(replica: Replica, body: Record<string, number>): Promise<string> {
    try {
      const res = await request(`${replica.origin}/internal/faults`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/json',
          'x-fault-secret': this.runner.secrets.FAULT_INJECTION_SECRET,
        },
        body: JSON.stringify(body),
        headersTimeout: 2000,
        bodyTimeout: 2000,
      });
      const text = await res.body.text();
      return res.statusCode === 200
        ? `${replica.id}: ${text}`
        : `${replica.id}: HTTP ${res.statusCode} ${text.slice(0, 200)}`;
    } catch (err) {
      return `${replica.id}: ${(err as Error).message}`;
    }
  }

  private note(message: string, service?: string, replica?: Replica): void {
    this.runner.events.add('chaos', message, { service, replica: replica?.id });
  }
}

/** The switch's body: payment-service has its own richer switch (outage and decline rates). */
function faultBody(service: ServiceName, req: FaultRequest): Record<string, number> {
  const body: Record<string, number> = {};
  if (req.latencyMs !== undefined) body.latencyMs = req.latencyMs;
  if (service === 'payment-service') {
    const outage = req.outageRate ?? req.errorRate;
    if (outage !== undefined) body.outageRate = outage;
    if (req.declineRate !== undefined) body.declineRate = req.declineRate;
  } else {
    if (req.errorRate !== undefined) body.errorRate = req.errorRate;
    if (req.declineRate !== undefined || req.outageRate !== undefined) {
      throw new ChaosError(400, 'declineRate and outageRate exist only on payment-service');
    }
  }
  return body;
}
