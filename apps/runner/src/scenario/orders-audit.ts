import { Client } from 'pg';
import { readSecrets } from '../secrets';
import { RunnerStatus } from './runner-api';

export interface OrdersAudit {
  checked: number;
  missing: string[];
  /** Where the accepted orders stand now (e.g. PENDING_PAYMENT ones paid after an outage). */
  byStatus: Record<string, number>;
}

/** checkout-service's database of a runner, from its status (port) and data folder (password). */
export function checkoutDatabaseUrl(status: RunnerStatus, dataDir: string): string {
  const secrets = readSecrets(dataDir);
  if (!secrets) throw new Error(`no secrets.json in ${dataDir}: is that the runner's --data-dir?`);
  return `postgres://postgres:${encodeURIComponent(secrets.POSTGRES_PASSWORD)}@127.0.0.1:${status.postgres.port}/checkout_service`;
}

/**
 * The lost-orders check: every order a client saw accepted (201 or 202 with an id)
 * must exist in checkout-service's own database.
 */
export async function auditOrders(databaseUrl: string, orderIds: string[]): Promise<OrdersAudit> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const rows = (
      await client.query<{ id: string; status: string }>(
        'SELECT id, status FROM orders WHERE id = ANY($1::uuid[])',
        [orderIds],
      )
    ).rows;
    const found = new Set(rows.map((r) => r.id));
    const byStatus: Record<string, number> = {};
    for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    return { checked: orderIds.length, missing: orderIds.filter((id) => !found.has(id)), byStatus };
  } finally {
    await client.end();
  }
}
