import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SERVICE_NAMES, ServiceName } from './services';

/** The repository root, from `apps/runner/dist/*.js` (or `src/*.ts` under vitest). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export interface RunnerConfig {
  root: string;
  /** Everything the demo keeps: PostgreSQL data, secrets, admin credentials, logs. */
  dataDir: string;
  replicas: number;
  host: '127.0.0.1';
  edgePort: number;
  statusPort: number;
  pgPort: number;
  /** Replica and service ports are `basePort + 10 * service + replica`; 0 picks free ports. */
  basePort: number;
  storefrontPort: number;
  storefront: boolean;
  services: ServiceName[];
  logLevel: string;
  /** Live table on a TTY, one line per change otherwise, nothing when quiet. */
  quiet: boolean;
  probeIntervalMs: number;
  livenessPeriodMs: number;
  livenessFailureThreshold: number;
  startupTimeoutMs: number;
  /** How long the edge waits for response headers before retrying (idempotent) or answering 504. */
  attemptTimeoutMs: number;
  /** Consecutive failed attempts that eject a replica until its readiness returns. */
  ejectAfterFailures: number;
}

const HELP = `Usage: node apps/runner/dist/demo.js [options]      (make demo)

  --replicas N          replicas per service (env DEMO_REPLICAS, default 2)
  --edge-port P         public edge (env DEMO_EDGE_PORT, default 8080)
  --status-port P       runner status/chaos API (env DEMO_STATUS_PORT, default 8079)
  --pg-port P           embedded PostgreSQL (env DEMO_PG_PORT, default 54329)
  --base-port P         replica port block, 0 = free ports (env DEMO_BASE_PORT, default 8100)
  --storefront-port P   storefront, when apps/storefront exists (env DEMO_STOREFRONT_PORT, default 3000)
  --no-storefront       do not start the storefront
  --services a,b        only these services (env DEMO_SERVICES, default all)
  --data-dir DIR        state folder (env DEMO_DATA_DIR, default .data)
  --log-level L         services' LOG_LEVEL (env DEMO_LOG_LEVEL, default info; logs go to <data-dir>/logs)
  --quiet               no status table
  --probe-interval-ms MS      readiness probe period (env DEMO_PROBE_INTERVAL_MS, default 1000)
  --liveness-period-ms MS     liveness probe period (env DEMO_LIVENESS_PERIOD_MS, default 2000)
  --liveness-failures N       failed liveness probes in a row before SIGKILL
                              (env DEMO_LIVENESS_FAILURES, default 5)
`;

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): RunnerConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      replicas: { type: 'string' },
      'edge-port': { type: 'string' },
      'status-port': { type: 'string' },
      'pg-port': { type: 'string' },
      'base-port': { type: 'string' },
      'storefront-port': { type: 'string' },
      'no-storefront': { type: 'boolean' },
      services: { type: 'string' },
      'data-dir': { type: 'string' },
      'log-level': { type: 'string' },
      quiet: { type: 'boolean' },
      'probe-interval-ms': { type: 'string' },
      'liveness-period-ms': { type: 'string' },
      'liveness-failures': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const num = (
    flag: string | undefined,
    envValue: string | undefined,
    fallback: number,
    min: number,
    max: number,
  ) => {
    const raw = flag ?? envValue;
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`expected an integer in ${min}..${max}, got "${raw}"`);
    return n;
  };
  const services = (values.services ?? env.DEMO_SERVICES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of services) {
    if (!SERVICE_NAMES.includes(s as ServiceName))
      throw new Error(`unknown service "${s}" (known: ${SERVICE_NAMES.join(', ')})`);
  }
  const basePort = num(values['base-port'], env.DEMO_BASE_PORT, 8100, 0, 65000);
  const replicas = num(values.replicas, env.DEMO_REPLICAS, 2, 1, basePort === 0 ? 32 : 9);
  return {
    root: REPO_ROOT,
    dataDir: resolve(REPO_ROOT, values['data-dir'] ?? env.DEMO_DATA_DIR ?? '.data'),
    replicas,
    host: '127.0.0.1',
    edgePort: num(values['edge-port'], env.DEMO_EDGE_PORT, 8080, 0, 65535),
    statusPort: num(values['status-port'], env.DEMO_STATUS_PORT, 8079, 0, 65535),
    pgPort: num(values['pg-port'], env.DEMO_PG_PORT, 54329, 0, 65535),
    basePort,
    storefrontPort: num(values['storefront-port'], env.DEMO_STOREFRONT_PORT, 3000, 0, 65535),
    storefront: !values['no-storefront'] && env.DEMO_STOREFRONT !== '0',
    services: services.length > 0 ? (services as ServiceName[]) : [...SERVICE_NAMES],
    logLevel: values['log-level'] ?? env.DEMO_LOG_LEVEL ?? 'info',
    quiet: values.quiet ?? env.DEMO_QUIET === '1',
    // Tunable so tests can make a hung replica fail liveness within seconds; the defaults are the demo's.
    probeIntervalMs: num(values['probe-interval-ms'], env.DEMO_PROBE_INTERVAL_MS, 1000, 100, 60_000),
    livenessPeriodMs: num(values['liveness-period-ms'], env.DEMO_LIVENESS_PERIOD_MS, 2000, 100, 60_000),
    livenessFailureThreshold: num(values['liveness-failures'], env.DEMO_LIVENESS_FAILURES, 5, 1, 100),
    startupTimeoutMs: 120_000,
    attemptTimeoutMs: num(undefined, env.DEMO_ATTEMPT_TIMEOUT_MS, 4000, 100, 600_000),
    ejectAfterFailures: 3,
  };
}

export function helpText(): string {
  return HELP;
}
