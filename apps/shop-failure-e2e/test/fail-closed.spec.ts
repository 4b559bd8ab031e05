// Item 7 of issue 14: with NODE_ENV=production a service whose secret is missing must not start at
// all (an open internal route or a plain-text key is worse than an outage); elsewhere it starts and
// says so loudly. Real processes: `node apps/<svc>/dist/main.js`, as the runner and Kubernetes start them.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, SERVICE_NAMES, ServiceName } from './support/service-process';
import { Shop } from './support/shop';

const PRODUCTION_SECRETS: Record<string, string> = {
  INTERNAL_TOKEN: randomBytes(16).toString('hex'),
  JWT_KEY_ENCRYPTION_SECRET: randomBytes(32).toString('base64url'),
  PAYMENT_DATA_KEY: randomBytes(32).toString('base64'),
};

/** Runs a service process to its end (bounded); what it printed and how it ended. */
function runToExit(
  service: ServiceName,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const appDir = join(REPO_ROOT, 'apps', service);
  const child = spawn(process.execPath, [join(appDir, 'dist', 'main.js')], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  // A service that starts anyway would wait for its (unreachable) database: stop it, and the test fails.
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((done) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    }),
  );
}

const cases: Array<{ service: ServiceName; missing: string }> = [
  ...SERVICE_NAMES.map((service) => ({ service, missing: 'INTERNAL_TOKEN' })),
  { service: 'user-service', missing: 'JWT_KEY_ENCRYPTION_SECRET' },
  { service: 'checkout-service', missing: 'PAYMENT_DATA_KEY' },
];

describe('fail closed in production', () => {
  it.each(cases)('$service does not start without $missing', async ({ service, missing }) => {
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: '0',
      // Nothing listens there: a service that got past its configuration would hang on it, not exit.
      DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none',
      JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
      FEED_SOURCES: 'product-service=http://127.0.0.1:9',
      ...PRODUCTION_SECRETS,
    };
    delete env[missing];
    const { code, output } = await runToExit(service, env);
    expect(code, output).toBe(1);
    expect(output).toContain(`${missing} must be set when NODE_ENV=production`);
  });
});

describe('outside production a missing secret is a loud warning', () => {
  let shop: Shop;
  beforeAll(async () => {
    // An empty value counts as unset.
    shop = await Shop.start({
      services: ['payment-service'],
      env: { 'payment-service': { NODE_ENV: 'development', INTERNAL_TOKEN: '' } },
    });
  });
  afterAll(() => shop?.close());

  it('starts, and its log names the missing secret and what it leaves open', () => {
    const log = readFileSync(shop.svc('payment-service').logFile, 'utf8');
    expect(log).toMatch(/INSECURE: INTERNAL_TOKEN is not set \(development mode\)/);
    expect(log).toContain('/payments');
  });
});
