// Orders the shop stored: what every scenario that checks out compares with what it was told.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `count(*)` of checkout-service's orders table. */
export async function ordersStored(platform) {
  const { Client } = require('pg');
  const db = new Client({ connectionString: platform.databaseUrl('checkout-service') });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM orders');
    return rows[0].n;
  } finally {
    await db.end();
  }
}
