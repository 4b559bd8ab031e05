// The shop under test, started the way `make demo` starts it: the runner's own Runner class
// (embedded PostgreSQL, supervised replicas, service addresses and the real edge), in this
// process as in the demo's runner process, with Prometheus, Jaeger, autoscaler and storefront off.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** `onStop` gets the stop function as soon as there is something to stop (a signal mid-start). */
export async function startPlatform(cfg, onStop = () => undefined) {
  const dist = join(cfg.root, 'apps', 'runner', 'dist');
  const { Runner } = require(join(dist, 'runner.js'));
  const { parseConfig } = require(join(dist, 'config.js'));
  const { seedCatalogOnce, forgetSeeding } = require(join(dist, 'bootstrap-data.js'));
  const { Client } = require('pg');

  const dataDir = mkdtempSync(join(tmpdir(), 'ha-shop-bench-'));
  const runnerConfig = parseConfig(
    [
      ...['--data-dir', dataDir, '--replicas', String(cfg.replicas), '--log-level', cfg.logLevel],
      ...['--edge-port', '0', '--status-port', '0', '--pg-port', '0', '--base-port', '0'],
      ...['--no-storefront', '--no-prometheus', '--no-jaeger', '--no-autoscale', '--quiet'],
    ],
    {},
  );
  const runner = new Runner(runnerConfig);
  const stop = async () => {
    await runner.stop(10_000).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  onStop(stop);
  try {
    await runner.start();
    if (runner.skipped.length > 0)
      throw new Error(`not started: ${runner.skipped.map((s) => `${s.name} (${s.reason})`).join(', ')}`);
    // The runner seeds the demo's 300 products; the seed is deterministic and idempotent,
    // so asking for more adds the rest of the same generated catalog.
    const product = runner.specs.get('product-service');
    forgetSeeding(dataDir);
    const ctx = { dataDir, logDir: join(dataDir, 'logs'), envFor: (s) => runner.envFor(s) };
    await seedCatalogOnce(product, ctx, cfg.products);
    const db = new Client({ connectionString: runner.postgres.urlFor(product.database) });
    await db.connect();
    const [counts] = (
      await db.query(
        `SELECT (SELECT count(*) FROM product)::int AS products,
                (SELECT count(*) FROM product_variant)::int AS variants,
                current_setting('server_version') AS version`,
      )
    ).rows;
    const skus = (await db.query(`SELECT sku FROM stock WHERE available >= 5 ORDER BY sku`)).rows.map(
      (r) => r.sku,
    );
    const slugs = (await db.query(`SELECT slug FROM product ORDER BY slug LIMIT 200`)).rows.map(
      (r) => r.slug,
    );
    await db.end();
    return {
      runner,
      edgeApi: `${runner.edgeUrl}/api`,
      postgresVersion: counts.version,
      catalog: { products: counts.products, variants: counts.variants, skus, slugs },
      /** One ready replica's own origin: requests there skip the edge. */
      directOrigin: (service) => runner.pools.get(service).replicas[0].origin,
      replicas: () =>
        [...runner.pools.values()].flatMap((p) =>
          p.replicas.map((r) => ({ id: r.id, service: p.name, pid: r.pid })),
        ),
      postgresPid: () => postmasterPid(join(dataDir, 'postgres')),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function postmasterPid(pgDir) {
  try {
    return Number(readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}
