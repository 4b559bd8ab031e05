// The runner's real edge (apps/runner: routing table, proxy, hop-by-hop and internal header
// handling) in front of in-process services, one stand-in replica each.
import type { FastifyInstance } from 'fastify';
import { createEdge } from '../../../runner/src/edge/edge';
import { EventLog } from '../../../runner/src/event-log';
import { SERVICE_NAMES, ServiceName } from '../../../runner/src/services';
import { ServicePool } from '../../../runner/src/supervisor/service-pool';
import { standInReplica } from '../../../runner/test/stand-in-replica';

export async function startEdge(
  urls: Record<ServiceName, string>,
): Promise<{ url: string; edge: FastifyInstance }> {
  const events = new EventLog();
  const pools = new Map<ServiceName, ServicePool>();
  for (const name of SERVICE_NAMES) {
    const replica = standInReplica(`${name}-1`, name, Number(new URL(urls[name]).port), events);
    const pool = new ServicePool(name);
    pool.add(replica);
    pools.set(name, pool);
  }
  const edge = await createEdge({ pools, attemptTimeoutMs: 10_000 });
  const url = await edge.listen({ host: '127.0.0.1', port: 0 });
  return { url, edge };
}
