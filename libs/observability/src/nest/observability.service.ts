import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, HttpAdapterHost, ModuleRef } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { DataSource } from 'typeorm';
import { pgPoolOf, registerDbPool } from '../metrics/db-pool-metrics';
import { initBusinessMetrics } from '../metrics/business-metrics';
import { installHttpMetrics } from '../metrics/http-metrics';
import { OutboxHeadSource, registerOutbox } from '../metrics/outbox-metrics';
import { ensureDefaultMetrics, gauge } from '../metrics/registry';
import { flushTraces } from '../tracing/flush';

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');

export interface ObservabilityOptions {
  /** The service name, e.g. `checkout-service`. */
  service: string;
}

/**
 * Wires the process-wide metrics to one Nest application: the HTTP histogram on its
 * Fastify instance, its database pool and its outbox (both found, not configured, so
 * no service has to remember to register them).
 */
@Injectable()
export class ObservabilityService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Observability');
  private readonly unregister: Array<() => void> = [];

  constructor(
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly discovery: DiscoveryService,
  ) {}

  onModuleInit(): void {
    ensureDefaultMetrics();
    gauge('ha_shop_service_info', 'Always 1; labels name the service this process runs', ['service']).set(
      { service: this.options.service },
      1,
    );
    initBusinessMetrics(this.options.service);
    const instance = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (instance && typeof instance.addHook === 'function') installHttpMetrics(instance);
    else this.logger.warn('no Fastify instance found; HTTP metrics are off');

    const pool = pgPoolOf(this.dataSource());
    if (pool) this.unregister.push(registerDbPool(pool));
    const outbox = this.outbox();
    if (outbox) this.unregister.push(registerOutbox(outbox));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const off of this.unregister.splice(0)) off();
    await flushTraces();
  }

  private dataSource(): DataSource | undefined {
    try {
      return this.moduleRef.get(DataSource, { strict: false });
    } catch {
      return undefined;
    }
  }

  /** libs/events' OutboxService, recognised by shape so this library does not depend on it. */
  private outbox(): OutboxHeadSource | undefined {
    for (const wrapper of this.discovery.getProviders()) {
      const candidate = wrapper.isDependencyTreeStatic()
        ? (wrapper.instance as Partial<OutboxHeadSource> | undefined)
        : undefined;
      if (candidate && typeof candidate.headSeq === 'function' && typeof candidate.source === 'string') {
        return candidate as OutboxHeadSource;
      }
    }
    return undefined;
  }
}
