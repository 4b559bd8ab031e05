import { INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { ProblemDetailsFilter, sendProblem } from '../errors/problem-details.filter';
import { BaseEnv } from '../config/env';
import { installFaultInjection } from '../http/fault-injection';
import { installRequestContext } from '../http/request-context';
import { createValidationPipe } from '../http/validation.pipe';
import { TrustProxy, trustedProxies } from '../http/trusted-proxies';
import { answerClientError, SERVICE_MAX_HEADER_BYTES } from '../errors/client-error';

export interface ServiceAppOptions {
  name: string;
  version?: string;
  description?: string;
  /** Largest accepted request body. Bounded so one client can't exhaust memory. */
  bodyLimitBytes?: number;
}

/**
 * Every service is created here, so they all share the same edge behaviour:
 * Fastify, problem+json errors, strict DTO validation, JSON logs, OpenAPI at /docs,
 * one request context per request (callers' deadline and acting user).
 */
export async function createServiceApp(
  module: unknown,
  options: ServiceAppOptions,
): Promise<NestFastifyApplication> {
  // The env is only known once the module is built, which needs the adapter: trust no one until then.
  let trust: TrustProxy = () => false;
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? 256 * 1024,
    // X-Forwarded-For only from TRUSTED_PROXIES (the edge): from anyone else it is the caller's claim.
    trustProxy: (address: string, hop: number) => trust(address, hop),
    // New requests on kept-alive sockets get 503 while closing, which the edge retries elsewhere.
    return503OnClosing: true,
    // What the HTTP parser refuses (oversized headers, a malformed request line) is problem+json too.
    clientErrorHandler: answerClientError,
    http: { maxHeaderSize: SERVICE_MAX_HEADER_BYTES },
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) =>
      (req.headers['x-request-id'] as string | undefined)?.slice(0, 128) ?? randomUUID(),
    // Router-level errors (malformed URL encoding, over-long path parameter) skip the error
    // handler and would answer plain JSON; route them through the same problem mapping.
    frameworkErrors: (err: Error, request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(err, request, reply, new NestLogger('Errors')),
  });
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  trust = trustedProxies(trustedProxyList(app));
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  installFastifyErrorHandlers(app);
  // Before fault injection, so an injected delay counts against the caller's deadline.
  installRequestContext(app.getHttpAdapter().getInstance());
  const faultSecret = faultInjectionSecret(app);
  if (faultSecret) installFaultInjection(app.getHttpAdapter().getInstance(), faultSecret);
  setupOpenApi(app, options);
  return app;
}

function trustedProxyList(app: NestFastifyApplication): string {
  try {
    return app.get(BaseEnv, { strict: false }).TRUSTED_PROXIES;
  } catch {
    return 'loopback';
  }
}

/** The chaos switch exists only when the secret is configured (never in a module without BaseEnv). */
function faultInjectionSecret(app: NestFastifyApplication): string | undefined {
  try {
    return app.get(BaseEnv, { strict: false }).FAULT_INJECTION_SECRET;
  } catch {
    return undefined;
  }
}

/**
 * Errors raised by Fastify before a route handler runs (JSON parse, media type, size)
 * already reach ProblemDetailsFilter through the error handler Nest installs, so
 * only the accepted media types need narrowing here.
 */
function installFastifyErrorHandlers(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: a text/plain body would otherwise reach DTO validation as a string.
  fastify.removeContentTypeParser('text/plain');
}

function setupOpenApi(app: INestApplication, options: ServiceAppOptions): void {
  const config = new DocumentBuilder()
    .setTitle(options.name)
    .setDescription(options.description ?? `${options.name} API`)
    .setVersion(options.version ?? '0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: 'docs/json',
  });
}
