// Writes the dashboards to monitoring/grafana/dashboards/*.json, or with --check fails
// (exit 1) when a committed file differs from what the TypeScript generates.
//   make dashboards        # regenerate
//   make dashboards-check  # CI: committed JSON must be current
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildDashboards } from './dashboards';

function main(): void {
  const check = process.argv.includes('--check');
  const outDir = resolve(
    process.argv.find((a) => a.startsWith('--out='))?.slice(6) ?? join(__dirname, '..', 'dashboards'),
  );
  const dashboards = buildDashboards();
  const stale: string[] = [];
  if (!check) mkdirSync(outDir, { recursive: true });
  for (const d of dashboards) {
    const path = join(outDir, d.file);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === d.json) continue;
    if (check) stale.push(d.file);
    else writeFileSync(path, d.json);
  }
  const expected = new Set(dashboards.map((d) => d.file));
  const extra = existsSync(outDir)
    ? readdirSync(outDir).filter((f) => f.endsWith('.json') && !expected.has(f))
    : [];
  if (check) {
    if (stale.length > 0 || extra.length > 0) {
      console.error(
        `dashboards are stale: ${[...stale, ...extra.map((f) => `${f} (no longer generated)`)].join(', ')}; run 'make dashboards'`,
      );
      process.exit(1);
    }
    console.log(`dashboards: ${dashboards.length} up to date`);
  } else {
    console.log(
      `dashboards: wrote ${dashboards.length} to ${outDir}${extra.length ? `; remove ${extra.join(', ')}` : ''}`,
    );
  }
}

main();
