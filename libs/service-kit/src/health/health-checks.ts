import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';

/** Token for the TypeORM data source that readiness checks; optional for services without a database. */
export const HEALTH_DATA_SOURCE = Symbol('HEALTH_DATA_SOURCE');

/** Extra "details" providers (e.g. breaker states) shown by `/health/details`. */
export const HEALTH_DETAILS = Symbol('HEALTH_DETAILS');
export interface HealthDetailsProvider {
  name: string;
  details(): Record<string, unknown>;
}

@Injectable()
export class HealthChecks {
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 20 });
  private migrationsCheckedOk = false;

  constructor(
    private readonly indicators: HealthIndicatorService,
    @Optional() @Inject(HEALTH_DATA_SOURCE) private readonly dataSource?: DataSource,
  ) {
    this.loopDelay.enable();
  }

  /** Liveness is about this process only: a blocked event loop or a runaway heap. */
  eventLoop(maxLagMs: number): HealthIndicatorResult {
    const session = this.indicators.check('event_loop');
    const p99 = this.loopDelay.percentile(99) / 1e6;
    this.loopDelay.reset();
    return p99 > maxLagMs
      ? session.down({ p99LagMs: Math.round(p99) })
      : session.up({ p99LagMs: Math.round(p99) });
  }

  heap(maxBytes: number): HealthIndicatorResult {
    const session = this.indicators.check('heap');
    const used = process.memoryUsage().heapUsed;
    return used > maxBytes ? session.down({ usedBytes: used }) : session.up({ usedBytes: used });
  }

  /** Readiness: our own database answers within a short timeout, and our schema is current. */
  async database(timeoutMs = 1000): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('database');
    if (!this.dataSource) return session.up({ message: 'no database' });
    if (!this.dataSource.isInitialized) return session.down({ message: 'not initialised' });
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), timeoutMs);
    } catch (err) {
      return session.down({ message: (err as Error).message });
    }
    if (!this.migrationsCheckedOk) {
      // Pending migrations never disappear by themselves, so once current, stay current.
      const pending = await withTimeout(this.dataSource.showMigrations(), timeoutMs).catch(() => true);
      if (pending) return session.down({ message: 'migrations pending' });
      this.migrationsCheckedOk = true;
    }
    return session.up();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
