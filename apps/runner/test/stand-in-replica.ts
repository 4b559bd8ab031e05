import { EventLog } from '../src/event-log';
import { ServiceName } from '../src/services';
import { Replica } from '../src/supervisor/replica';

/**
 * A Replica that is never spawned: the test plays supervisor and declares it running and
 * ready, so the edge routes to whatever already listens on `port` (a fake upstream or an
 * in-process service).
 */
export function standInReplica(id: string, service: ServiceName, port: number, events: EventLog): Replica {
  const replica = new Replica({
    id,
    service,
    port,
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
  return replica;
}
