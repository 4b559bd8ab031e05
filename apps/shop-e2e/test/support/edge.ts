// The runner's real edge (apps/runner: routing table, proxy, hop-by-hop and internal header
// handling) in front of in-process services, one replica each. The Replica objects are never
// spawned: the test plays supervisor and declares them running and ready.
import type { FastifyInstance } from 'fastify';
import { createEdge } from '../../../runner/src/edge/edge';
import { EventLog } from '../../../runner/src/event-log';
import { SERVICE_NAMES, ServiceName } from '../../../runner/src/services';
import { Replica } from '../../../runner/src/supervisor/replica';
import { ServicePool } from '../../../runner/src/supervisor/service-pool';

export async function startEdge(
  urls: Record<ServiceName, string>,
): Promise<{ url: string; edge: FastifyInstance }> {
  const events = new EventLog();
  const pools = new Map<ServiceName, ServicePool>();
  for (const name of SERVICE_NAMES) {
    const replica = new Replica({
      id: `${name}-1`,
      service: name,
      port: Number(new URL(urls[name]).port),
      command: { args: [], cwd: '/', env: {} },
      logFile: '/dev/null',
      events,
      timing: {
        probeIntervalMs: 1000,
        livenessPeriodMs: 2000,
        livenessFailureThreshold: 5,
        startupTimeoutMs: 60_000,
        readinessFailureThreshold: 2,
        minEjectionMs: 3000,
        ejectAfterFailures: 3,
      },
    });
    replica.state = 'running';
    replica.ready = true;
    const pool = new ServicePool(name);
    pool.add(replica);
    pools.set(name, pool);
  }
  const edge = await createEdge({ pools, attemptTimeoutMs: 10_000 });
  const url = await edge.listen({ host: '127.0.0.1', port: 0 });
  return { url, edge };
}
