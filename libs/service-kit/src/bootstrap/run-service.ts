import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { BaseEnv } from '../config/env';
import { LifecycleService } from '../health/lifecycle.service';
import { createServiceApp, ServiceAppOptions } from './create-app';

export interface RunningService {
  app: NestFastifyApplication;
  url: string;
  /** Graceful stop: readiness off, drain, close HTTP, then pools and workers. */
  shutdown(reason?: string): Promise<void>;
}

/**
 * Creates and starts a service. Used by each app's main.ts and by the test kit,
 * so tests exercise the very same startup and shutdown path as production.
 */
export async function startService(
  module: unknown,
  options: ServiceAppOptions & { port?: number; host?: string },
): Promise<RunningService> {
  const app = await createServiceApp(module, options);
  const env = app.get(BaseEnv);
  const lifecycle = app.get(LifecycleService);
  const host = options.host ?? env.HOST;
  const port = options.port ?? env.PORT;
  await app.listen({ port, host });
  const address = app.getHttpServer().address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  lifecycle.markStarted();

  let closing: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown') => {
    closing ??= (async () => {
      const logger = new Logger('Shutdown');
      logger.log(`${reason}: not ready; draining for ${env.SHUTDOWN_DRAIN_MS} ms`);
      lifecycle.beginDrain();
      await sleep(env.SHUTDOWN_DRAIN_MS);
      // Closing Fastify first waits for in-flight requests, then Nest's hooks close
      // workers and database pools, which those requests may still have needed.
      await app.getHttpAdapter().getInstance().close();
      await app.close();
      logger.log('stopped');
    })();
    return closing;
  };
  return { app, url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`, shutdown };
}

/**
 * Entry point for a service process: starts it and wires SIGTERM/SIGINT to the
 * graceful shutdown, bounded by SHUTDOWN_GRACE_MS. A second signal exits at once.
 * Pass the module as a factory, so a configuration error (the env is validated while the
 * module is built) ends the process with its message rather than an uncaught stack trace.
 */
export async function runServiceProcess(
  module: unknown | (() => unknown),
  options: ServiceAppOptions,
): Promise<void> {
  const logger = new Logger('Main');
  let service: RunningService;
  try {
    service = await startService(isFactory(module) ? module() : module, options);
  } catch (err) {
    logger.error(`failed to start: ${(err as Error).message}`);
    // Non-zero even when nothing else keeps the process alive until the timer; the timer gives
    // pino a moment to flush before the process goes.
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
    return;
  }
  const graceMs = service.app.get(BaseEnv).SHUTDOWN_GRACE_MS;
  logger.log(`${options.name} listening on ${service.url}`);
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn(`second ${signal}: exiting now`);
      process.exit(1);
    }
    signalled = true;
    setTimeout(() => {
      logger.error(`shutdown exceeded ${graceMs} ms; forcing exit`);
      process.exit(1);
    }, graceMs).unref();
    service.shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error(`shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** An arrow function building the module; a module class (also a function) has a prototype. */
function isFactory(module: unknown): module is () => unknown {
  return typeof module === 'function' && module.prototype === undefined;
}
