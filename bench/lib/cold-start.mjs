// Cold start: from `node` to a 200 on /health/ready, against the bench's already-migrated
// database (the restart a replica does), next to a bare Node HTTP server started the same way.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { median } from './stats.mjs';

const require = createRequire(import.meta.url);

async function timeToReady(args, env, path, cwd) {
  const { freePort } = require('@ha-shop/os-process');
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  try {
    for (let i = 0; i < 6000; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}${path}`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return performance.now() - started;
      if (child.exitCode !== null) break;
      await sleep(10);
    }
    throw new Error(`${args.at(-1)} did not get ready`);
  } finally {
    child.kill('SIGKILL');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  }
}

/** Median cold start per service, in ms and as a ratio to the bare server. */
export async function coldStarts(platform, runs, only = []) {
  const { nodePreloadArgs, tracingPreloadPath } = require('@ha-shop/observability');
  const { existsSync } = require('node:fs');
  const preload = existsSync(tracingPreloadPath()) ? nodePreloadArgs() : [];
  const bareScript =
    "require('node:http').createServer((q,s)=>s.end('ok')).listen(+process.env.PORT,'127.0.0.1')";
  const bare = [];
  for (let i = 0; i < runs; i++) bare.push(await timeToReady(['-e', bareScript], {}, '/'));
  const baselineMs = median(bare);
  const services = {};
  for (const [name, spec] of platform.runner.specs) {
    if (only.length > 0 && !only.includes(name)) continue;
    const args = [...preload, spec.mainJs];
    const xs = [];
    for (let i = 0; i < runs; i++)
      xs.push(await timeToReady(args, platform.runner.envFor(spec), '/health/ready', spec.appDir));
    const ms = median(xs);
    services[name] = { ms, ratioToBareNode: ms / baselineMs };
  }
  return { bareNodeMs: baselineMs, services };
}
