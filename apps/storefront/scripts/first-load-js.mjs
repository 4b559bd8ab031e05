#!/usr/bin/env node
// First-load JavaScript per page of a running storefront (next build no longer prints it since
// Next 16): the <script src> files each page's HTML loads, read from .next/static, gzip sizes.
// Usage: node apps/storefront/scripts/first-load-js.mjs [base-url] [path ...]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const paths =
  process.argv.length > 3 ? process.argv.slice(3) : ['/', '/products', '/cart', '/checkout', '/login'];
const staticDir = join(import.meta.dirname, '..', '.next');

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const rows = [];
for (const path of paths) {
  const html = await (await fetch(base + path, { signal: AbortSignal.timeout(15_000) })).text();
  // Modern browsers skip `nomodule` scripts (the legacy polyfills), so they are not counted.
  const srcs = [...html.matchAll(/<script[^>]+>/g)]
    .map((m) => m[0])
    .filter((tag) => !/nomodule/i.test(tag))
    .map((tag) => /src="(\/_next\/[^"?]+)/.exec(tag)?.[1])
    .filter(Boolean);
  let raw = 0;
  let gz = 0;
  for (const src of new Set(srcs)) {
    const body = readFileSync(join(staticDir, src.replace(/^\/_next\//, '')));
    raw += body.length;
    gz += gzipSync(body).length;
  }
  rows.push({ path, scripts: new Set(srcs).size, raw, gz });
}
console.log('page'.padEnd(20), 'scripts', 'first-load JS (gzip)'.padStart(22), 'raw'.padStart(10));
for (const r of rows)
  console.log(
    r.path.padEnd(20),
    String(r.scripts).padStart(7),
    kb(r.gz).padStart(22),
    kb(r.raw).padStart(10),
  );
