// The shop under test, started the way `make demo` starts it, in this process: the runner's
// startPlatform (its public entry). What the bench adds is the catalog it reads back to drive load.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** `onStop` gets the stop function as soon as there is something to stop (a signal mid-start). */
export async function startPlatform(cfg, onStop = () => undefined) {
  const runner = require(join(cfg.root, 'apps', 'runner', 'dist', 'index.js'));
  const { Client } = require('pg');
  const platform = await runner.startPlatform(
    { replicas: cfg.replicas, logLevel: cfg.logLevel, products: cfg.products },
    onStop,
  );
  try {
    const db = new Client({ connectionString: platform.databaseUrl('product-service') });
    await db.connect();
    try {
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
      return {
        ...platform,
        edgeApi: `${platform.edgeUrl}/api`,
        postgresVersion: counts.version,
        catalog: { products: counts.products, variants: counts.variants, skus, slugs },
      };
    } finally {
      await db.end();
    }
  } catch (err) {
    await platform.stop();
    throw err;
  }
}
