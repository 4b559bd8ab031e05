// The storefront in `make bench`: its production build, through Nx so that an up-to-date
// `.next` is reused exactly as `make test` reuses it, and the first-load JavaScript of its main
// pages, read from a `next start` that the runner's own Storefront class launches against the
// bench's edge. apps/storefront/scripts/first-load-js.mjs uses the same measurement.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const run = promisify(execFile);

export const storefrontDir = (root) => join(root, 'apps', 'storefront');

/** The name of the storefront's session cookie (apps/storefront/src/lib/session.ts). */
const SESSION_COOKIE = 'hs_session';
const BUILD_TIMEOUT_MS = 15 * 60_000;
const READY_TIMEOUT_MS = 90_000;

/** What `next build` recorded about the build in `.next`: its duration, when, which Next. */
function buildTrace(nextDir) {
  try {
    const spans = JSON.parse(readFileSync(join(nextDir, 'trace-build'), 'utf8'));
    const build = spans.find((s) => s.name === 'next-build');
    if (!build) return {};
    return {
      nextBuildMs: Math.round(build.duration / 1000),
      builtAt: new Date(build.startTime).toISOString(),
      nextVersion: build.tags?.version ?? null,
      bundler: build.tags?.bundler ?? null,
    };
  } catch {
    return {};
  }
}

/**
 * `mode`: `nx` (build unless Nx's cache says the inputs are unchanged), `rebuild` (always run
 * `next build`), `existing` (use `.next` as it is: the smoke test, after `make build`).
 */
export async function buildStorefront(root, mode) {
  const nextDir = join(storefrontDir(root), '.next');
  const started = performance.now();
  let output = '';
  if (mode !== 'existing') {
    const args = ['nx', 'run', 'storefront:build', '--outputStyle=static'];
    if (mode === 'rebuild') args.push('--skip-nx-cache');
    try {
      ({ stdout: output } = await run('npx', args, {
        cwd: root,
        env: { ...process.env, NX_DAEMON: 'false', NEXT_TELEMETRY_DISABLED: '1' },
        maxBuffer: 64 << 20,
        timeout: BUILD_TIMEOUT_MS,
      }));
    } catch (err) {
      const said = `${err.stdout ?? ''}\n${err.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
      return { ok: false, mode, error: `next build failed: ${said || err.message}` };
    }
  }
  if (!existsSync(join(nextDir, 'BUILD_ID')))
    return { ok: false, mode, error: 'no production build in apps/storefront/.next (run "make build")' };
  return {
    ok: true,
    mode,
    reused: mode === 'existing' || /existing outputs match the cache|\[(local|remote) cache\]/.test(output),
    wallMs: mode === 'existing' ? null : Math.round(performance.now() - started),
    buildId: readFileSync(join(nextDir, 'BUILD_ID'), 'utf8').trim(),
    ...buildTrace(nextDir),
  };
}

/**
 * First-load JavaScript of each page: the `<script src>` files its HTML loads, read from
 * `.next/static`, raw and gzipped. A page that does not answer 200 is reported with its status.
 */
export async function firstLoadJs(base, pages, nextDir, headers = {}) {
  const rows = [];
  for (const { page, path } of pages) {
    const res = await fetch(base + path, {
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    const html = await res.text();
    if (res.status !== 200) {
      rows.push({ page, path, status: res.status, location: res.headers.get('location') });
      continue;
    }
    // Modern browsers skip `nomodule` scripts (the legacy polyfills), so they are not counted.
    const srcs = new Set(
      [...html.matchAll(/<script[^>]+>/g)]
        .map((m) => m[0])
        .filter((tag) => !/nomodule/i.test(tag))
        .map((tag) => /src="\/_next\/([^"?]+)/.exec(tag)?.[1])
        .filter(Boolean),
    );
    let rawBytes = 0;
    let gzipBytes = 0;
    for (const src of srcs) {
      const body = readFileSync(join(nextDir, decodeURIComponent(src)));
      rawBytes += body.length;
      gzipBytes += gzipSync(body).length;
    }
    rows.push({ page, path, status: 200, scripts: srcs.size, rawBytes, gzipBytes });
  }
  return rows;
}

export const kb = (n) => `${(n / 1024).toFixed(1)} kB`;

async function adminCookie(runner) {
  if (!runner.admin) return undefined;
  const res = await fetch(`${runner.edgeUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: runner.admin.email, password: runner.admin.password }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) return undefined;
  return `${SESSION_COOKIE}=${(await res.json()).accessToken}`;
}

/**
 * Starts the built storefront as `make demo` does (the runner's Storefront and Replica, on a
 * free loopback port, talking to the bench's edge), measures the main pages, and stops it.
 */
export async function measureStorefront(root, platform) {
  const { runner } = platform;
  const { Storefront, replicaTiming } = require(join(root, 'apps', 'runner', 'dist', 'index.js'));
  const { freePort } = require('@ha-shop/os-process');
  const cfg = { ...runner.config, storefront: true, storefrontPort: await freePort() };
  const logFile = join(runner.config.dataDir, 'logs', 'storefront.log');
  const sf = Storefront.detect(cfg, runner.edgeUrl, logFile, runner.events, replicaTiming(cfg));
  if (!sf.replica) return { error: `storefront not started: ${sf.skipped}` };
  const started = performance.now();
  sf.replica.start();
  try {
    while (!sf.replica.ready) {
      if (performance.now() - started > READY_TIMEOUT_MS)
        return { error: `storefront not ready after ${READY_TIMEOUT_MS / 1000} s (log: ${logFile})` };
      await sleep(100);
    }
    const readyMs = Math.round(performance.now() - started);
    const slug = platform.catalog.slugs[0];
    const pages = [
      { page: '/', path: '/' },
      { page: '/products', path: '/products' },
      { page: '/products/[slug]', path: `/products/${slug}` },
      { page: '/cart', path: '/cart' },
      { page: '/checkout', path: '/checkout' },
      { page: '/login', path: '/login' },
    ];
    const nextDir = join(storefrontDir(root), '.next');
    const rows = await firstLoadJs(sf.url, pages, nextDir);
    // /architecture is for administrators: measured signed in as the runner's admin.
    const cookie = await adminCookie(runner).catch(() => undefined);
    const architecture = { page: '/architecture (admin)', path: '/architecture' };
    if (cookie) rows.push(...(await firstLoadJs(sf.url, [architecture], nextDir, { cookie })));
    else rows.push({ ...architecture, status: null, note: 'no admin session to sign in with' });
    return { readyMs, pages: rows };
  } finally {
    await sf.replica.stop(5_000);
  }
}

/** The report's storefront lines (bench.md), ending with a blank line; none without a section. */
export function storefrontMarkdown(s) {
  if (!s) return [];
  const b = s.build;
  const secs = (ms) => (ms === null || ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`);
  const made = b.ok
    ? `${b.reused ? `reused (${b.mode === 'existing' ? 'BENCH_STOREFRONT_BUILD=existing' : 'Nx: inputs unchanged'})` : 'built now'}; next build ${b.nextVersion ?? '?'} (${b.bundler ?? '?'}) took ${secs(b.nextBuildMs)}${b.builtAt ? ` at ${b.builtAt}` : ''}${b.wallMs === null ? '' : `, ${secs(b.wallMs)} with Nx in this run`}`
    : `failed: ${b.error}`;
  const lines = [`Storefront production build: ${made}.`];
  if (s.error) lines.push(`Storefront not measured: ${s.error}.`);
  if (s.pages) {
    lines.push(
      `First-load JavaScript per page (\`next start\` ready in ${secs(s.readyMs)}; scripts the HTML loads, nomodule polyfills not counted):`,
      '',
      '| page | scripts | gzip | raw |',
      '|---|---:|---:|---:|',
      ...s.pages.map((p) =>
        p.status === 200
          ? `| ${p.page} | ${p.scripts} | ${kb(p.gzipBytes)} | ${kb(p.rawBytes)} |`
          : `| ${p.page} | not measured: ${p.note ?? `HTTP ${p.status}${p.location ? ` → ${p.location}` : ''}`} | | |`,
      ),
    );
  }
  return [...lines, ''];
}
