// Memory and per-request cost of one process per service (docs/performance.md "Memory").
// Starts the shop as `make demo` does (runner's startPlatform, one replica each, embedded
// PostgreSQL) and, for each service and variant, one more process with the runner's own node
// args and env plus bench/lib/memory-probe.cjs: idle figures 5 s after ready, MEMORY_LOAD_S
// seconds (or MEMORY_LOAD_AMOUNT requests) of autocannon on one GET route (peak RSS sampled
// every 250 ms), then a fixed number of requests for CPU and GC per request (counts, not
// throughput: the machine may be busy).
//
//   node bench/memory-services.mjs                       # every service, the runner's args
//   MEMORY_SERVICES=product-service MEMORY_VARIANTS='[{"label":"semi1","args":["--max-semi-space-size=1"]}]' \
//     node bench/memory-services.mjs
//
// A variant: { label, args?: node flags replacing the runner's, env?: extra env, noPreload?: true,
// preload?: another tracing preload file (e.g. an older build, to compare) }.
// "OTLP_SINK" in a variant's env values is replaced by a local OTLP/HTTP sink that counts bytes.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { rssMb } from './lib/memory.mjs';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const autocannon = require('autocannon');
const { nodePreloadArgs } = require('@ha-shop/observability');
const { freePort } = require('@ha-shop/os-process');
const runner = require(join(root, 'apps', 'runner', 'dist', 'index.js'));
const { REPLICA_NODE_ARGS } = require(join(root, 'apps', 'runner', 'dist', 'services.js'));

const only = (process.env.MEMORY_SERVICES ?? '').split(',').filter(Boolean);
const variants = JSON.parse(process.env.MEMORY_VARIANTS ?? '[{"label":"runner args"}]');
const loadS = Number(process.env.MEMORY_LOAD_S ?? 10);
// A fixed number of requests instead of MEMORY_LOAD_S: peaks of variants compared at the same work.
const loadAmount = Number(process.env.MEMORY_LOAD_AMOUNT ?? 0);
const connections = Number(process.env.MEMORY_CONNECTIONS ?? 10);
const fixedRequests = Number(process.env.MEMORY_REQUESTS ?? 2000);
const out = process.env.MEMORY_OUT ?? join(root, 'bench', 'results', 'memory-services.json');
const probeDir = mkdtempSync(join(tmpdir(), 'ha-shop-memprobe-'));
const MB = 2 ** 20;

async function snapshot(pid) {
  const before = new Set(readdirSync(probeDir));
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 200; i++) {
    await sleep(50);
    const f = readdirSync(probeDir).find((x) => x.startsWith(`${pid}-`) && !before.has(x));
    if (f) {
      await sleep(50);
      return JSON.parse(readFileSync(join(probeDir, f), 'utf8'));
    }
  }
  throw new Error(`no memory snapshot from ${pid}`);
}

/** A GET each service answers with a database read, logged and traced (analytics: readiness only). */
async function routeFor(name, origin, env) {
  if (name === 'product-service') return { path: '/products?limit=20' };
  if (name === 'user-service') return { path: '/.well-known/jwks.json' };
  if (name === 'checkout-service') {
    const res = await fetch(`${origin}/carts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const cart = await res.json();
    return { path: `/carts/${cart.id}`, headers: { 'x-cart-token': cart.token } };
  }
  if (name === 'payment-service') {
    return {
      path: `/payments?orderId=${crypto.randomUUID()}`,
      headers: { 'x-internal-token': env.INTERNAL_TOKEN },
    };
  }
  return { path: '/health/ready' };
}

let sinkBytes = 0;
const sink = createServer((req, res) => {
  req.on('data', (c) => (sinkBytes += c.length));
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const sinkUrl = `http://127.0.0.1:${sink.address().port}`;

async function measure(platform, name, spec, variant) {
  const port = await freePort();
  const extraEnv = JSON.parse(JSON.stringify(variant.env ?? {}).replaceAll('OTLP_SINK', sinkUrl));
  const env = {
    ...platform.runner.envFor(spec),
    ...extraEnv,
    PORT: String(port),
    HOST: '127.0.0.1',
    MEMPROBE_DIR: probeDir,
  };
  const preload = variant.noPreload
    ? []
    : variant.preload
      ? ['--require', variant.preload]
      : nodePreloadArgs();
  const args = [
    ...(variant.args ?? REPLICA_NODE_ARGS),
    ...preload,
    '--require',
    join(root, 'bench', 'lib', 'memory-probe.cjs'),
    spec.mainJs,
  ];
  const child = spawn(process.execPath, args, {
    cwd: spec.appDir,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    for (
      let i = 0;
      !(await fetch(`${origin}/health/ready`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    ) {
      if (i > 1200 || child.exitCode !== null) throw new Error(`${name} did not get ready`);
      await sleep(100);
    }
    await sleep(5000);
    const idle = await snapshot(child.pid);
    const route = await routeFor(name, origin, env);
    let peak = idle.mem.rss / MB;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid) ?? 0)), 250);
    const timed = await autocannon({
      url: origin + route.path,
      headers: route.headers,
      connections,
      ...(loadAmount > 0 ? { amount: loadAmount } : { duration: loadS }),
    });
    clearInterval(sampler);
    const afterLoad = await snapshot(child.pid);
    const before = await snapshot(child.pid);
    const bytesBefore = sinkBytes;
    await autocannon({
      url: origin + route.path,
      headers: route.headers,
      connections,
      amount: fixedRequests,
    });
    const after = await snapshot(child.pid);
    await sleep(3000);
    const live = await snapshot(child.pid); // the fifth: after forced full GCs
    const cpuMs = (s) => (s.cpu.user + s.cpu.system) / 1000;
    return {
      route: route.path,
      idle: {
        rssMb: idle.mem.rss / MB,
        heapUsedMb: idle.mem.heapUsed / MB,
        heapTotalMb: idle.mem.heapTotal / MB,
        externalMb: idle.mem.external / MB,
        modules: idle.modules,
        threads: idle.threads,
      },
      load: {
        seconds: loadAmount > 0 ? timed.duration : loadS,
        connections,
        requests: timed.requests.total,
        non2xx: timed.non2xx,
        errors: timed.errors,
        peakRssMb: peak,
        rssAfterMb: afterLoad.mem.rss / MB,
      },
      perRequest: {
        requests: fixedRequests,
        cpuMs: (cpuMs(after) - cpuMs(before)) / fixedRequests,
        gcs: (after.gc.count - before.gc.count) / fixedRequests,
        gcMs: (after.gc.ms - before.gc.ms) / fixedRequests,
        otlpBytes: (sinkBytes - bytesBefore) / fixedRequests,
      },
      liveAfterGc: { rssMb: live.mem.rss / MB, heapUsedMb: live.mem.heapUsed / MB },
      heapSpacesIdle: Object.fromEntries(
        idle.spaces
          .filter(([, size]) => size > 0)
          .map(([s, size, used]) => [s, { sizeMb: size / MB, usedMb: used / MB }]),
      ),
      topPackages: idle.topPackages,
    };
  } finally {
    child.kill('SIGKILL');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  }
}

const platform = await runner.startPlatform({ replicas: 1, logLevel: 'info', products: 300 });
const results = { replicasIdleRssMb: {}, processes: {} };
try {
  await sleep(5000);
  for (const r of platform.replicas()) results.replicasIdleRssMb[r.id] = rssMb(r.pid);
  for (const variant of variants) {
    for (const [name, spec] of platform.runner.specs) {
      if (only.length > 0 && !only.includes(name)) continue;
      const key = `${name} / ${variant.label}`;
      results.processes[key] = await measure(platform, name, spec, variant);
      const { idle, load, perRequest } = results.processes[key];
      console.log(
        `${key}: idle ${idle.rssMb.toFixed(1)} MB (heap ${idle.heapUsedMb.toFixed(1)}, ${idle.modules} modules), ` +
          `peak ${load.peakRssMb.toFixed(1)} MB over ${load.requests} requests, ${perRequest.cpuMs.toFixed(2)} ms CPU/request`,
      );
    }
  }
} finally {
  await platform.stop();
  sink.close();
  rmSync(probeDir, { recursive: true, force: true });
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`written to ${out}`);
