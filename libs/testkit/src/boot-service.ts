import { startService, RunningService } from '@ha-shop/service-kit';

/**
 * Boots a service in-process on a free loopback port, through the same startup
 * path as its main.ts. Pass the module built from the env the test wants.
 */
export async function bootService(module: unknown, name: string): Promise<RunningService> {
  return startService(module, { name, host: '127.0.0.1', port: 0 });
}

/** Environment every test service shares: quiet logs, fast shutdown. */
export function testEnv(extra: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SHUTDOWN_DRAIN_MS: '0',
    ...extra,
  };
}
