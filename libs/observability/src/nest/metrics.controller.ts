import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { register } from 'prom-client';

/** Prometheus text exposition (version 0.0.4). Not part of the API, never rate limited. */
@ApiExcludeController()
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  @Get()
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    const body = await register.metrics();
    await reply
      .status(200)
      .header('content-type', register.contentType)
      .header('cache-control', 'no-store')
      .send(body);
  }
}
