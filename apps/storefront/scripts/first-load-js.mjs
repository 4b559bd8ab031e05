#!/usr/bin/env node
// First-load JavaScript per page of a running storefront (next build no longer prints it since
// Next 16), measured as `make bench` measures it (bench/lib/storefront.mjs).
// Usage: node apps/storefront/scripts/first-load-js.mjs [base-url] [path ...]
import { join } from 'node:path';
import { firstLoadJs, kb } from '../../../bench/lib/storefront.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const paths =
  process.argv.length > 3 ? process.argv.slice(3) : ['/', '/products', '/cart', '/checkout', '/login'];
const nextDir = join(import.meta.dirname, '..', '.next');

const rows = await firstLoadJs(
  base,
  paths.map((path) => ({ page: path, path })),
  nextDir,
);
console.log('page'.padEnd(20), 'scripts', 'first-load JS (gzip)'.padStart(22), 'raw'.padStart(10));
for (const r of rows)
  console.log(
    r.path.padEnd(20),
    r.status === 200
      ? [String(r.scripts).padStart(7), kb(r.gzipBytes).padStart(22), kb(r.rawBytes).padStart(10)].join(' ')
      : `HTTP ${r.status}${r.location ? ` → ${r.location}` : ''}`,
  );
