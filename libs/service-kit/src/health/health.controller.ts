import { Controller, Get, HttpException, Inject, Optional, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheckService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { HEALTH_DETAILS, HealthChecks, HealthDetailsProvider } from './health-checks';
import { LifecycleService } from './lifecycle.service';

const MAX_LOOP_LAG_MS = 1000;
const MAX_HEAP_BYTES = Number(process.env.HEALTH_MAX_HEAP_BYTES ?? 1536 * 1024 * 1024);

/**
 * Probes as Kubernetes and the local runner use them. Readiness never looks at
 * other services: a dependency outage must not take every caller out of rotation.
 */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly checks: HealthChecks,
    private readonly lifecycle: LifecycleService,
    @Optional() @Inject(HEALTH_DETAILS) private readonly detailProviders: HealthDetailsProvider[] = [],
  ) {}

  @Get('live')
  live(@Res() reply: FastifyReply) {
    return this.run(reply, [
      () => this.checks.eventLoop(MAX_LOOP_LAG_MS),
      () => this.checks.heap(MAX_HEAP_BYTES),
    ]);
  }

  @Get('ready')
  ready(@Res() reply: FastifyReply) {
    return this.run(reply, [
      () => {
        const draining = this.lifecycle.isDraining;
        return {
          lifecycle: { status: draining ? 'down' : 'up', ...(draining ? { message: 'shutting down' } : {}) },
        };
      },
      () => this.checks.database(),
    ]);
  }

  @Get('startup')
  startup(@Res() reply: FastifyReply) {
    return this.run(reply, [
      () => ({ startup: { status: this.lifecycle.isStarted ? 'up' : 'down' } }),
      () => this.checks.database(5000),
    ]);
  }

  /** Read-only view for dashboards: lifecycle plus whatever providers report (breaker states). */
  @Get('details')
  details() {
    const extra: Record<string, unknown> = {};
    for (const p of this.detailProviders ?? []) extra[p.name] = p.details();
    return {
      started: this.lifecycle.isStarted,
      draining: this.lifecycle.isDraining,
      uptimeSeconds: process.uptime(),
      ...extra,
    };
  }

  private async run(reply: FastifyReply, indicators: Parameters<HealthCheckService['check']>[0]) {
    try {
      const result = await this.health.check(indicators);
      return reply.status(200).header('cache-control', 'no-store').send(result);
    } catch (err) {
      if (err instanceof HttpException) {
        return reply.status(err.getStatus()).header('cache-control', 'no-store').send(err.getResponse());
      }
      throw err;
    }
  }
}
