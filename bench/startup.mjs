// Startup benchmark: how long each service takes from `node` to a 200 on /health/ready,
// against an already-migrated database (the steady-state restart a replica does), printed
// as a ratio to a bare Node HTTP server started the same way in the same run.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const { startLocalPostgres, freePort } = require('../libs/testkit/dist/index.js');
const { nodePreloadArgs } = require('../libs/observability/dist/index.js');

const SERVICES = [
  'product-service',
  'user-service',
  'payment-service',
  'checkout-service',
  'analytics-service',
];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function timeToReady(args, env, path) {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  try {
    for (let i = 0; i < 600; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}${path}`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return Number(process.hrtime.bigint() - started) / 1e6;
      await sleep(10);
    }
    throw new Error(`${args.at(-1)} did not get ready`);
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dataDir = join(tmpdir(), `ha-shop-bench-${process.pid}`);
const pg = await startLocalPostgres({ dataDir, fast: true });
try {
  const baselineScript =
    "require('node:http').createServer((q,s)=>s.end('ok')).listen(+process.env.PORT,'127.0.0.1')";
  const base = [];
  for (let i = 0; i < RUNS; i++) base.push(await timeToReady(['-e', baselineScript], {}, '/'));
  const baseline = median(base);
  console.log(`baseline: bare node http server ready in ${baseline.toFixed(0)} ms (median of ${RUNS})`);
  for (const svc of SERVICES) {
    const env = {
      DATABASE_URL: pg.urlFor(svc.replace('-service', '')),
      LOG_LEVEL: 'warn',
      JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
      PRODUCT_SERVICE_URL: 'http://127.0.0.1:9',
      PAYMENT_SERVICE_URL: 'http://127.0.0.1:9',
    };
    const args = [...nodePreloadArgs(), join('apps', svc, 'dist', 'main.js')];
    await timeToReady(args, env, '/health/ready'); // first start creates and migrates the database
    const xs = [];
    for (let i = 0; i < RUNS; i++) xs.push(await timeToReady(args, env, '/health/ready'));
    const ms = median(xs);
    console.log(
      `${svc.padEnd(18)} ready in ${ms.toFixed(0).padStart(5)} ms  = ${(ms / baseline).toFixed(1)}x baseline`,
    );
  }
} finally {
  await pg.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
