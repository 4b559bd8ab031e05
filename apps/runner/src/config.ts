import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SERVICE_NAMES, ServiceName } from './services';

export { helpText } from './config-help';

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
  observability: ObservabilityConfig;
  autoscale: AutoscaleConfig;
}

/** Prometheus and Jaeger next to the shop (docs/local-runner.md); ports 0 pick free ones. */
export interface ObservabilityConfig {
  prometheus: boolean;
  prometheusPort: number;
  /** Scrape and rule evaluation interval. */
  scrapeIntervalSeconds: number;
  /** Prometheus' `--storage.tsdb.retention.time`. */
  retention: string;
  jaeger: boolean;
  jaegerPort: number;
  otlpPort: number;
  /** Share of new traces kept (parent-based: a trace is kept or dropped whole). */
  traceSampling: number;
}

export interface AutoscaleConfig {
  enabled: boolean;
  min: number;
  max: number;
  /** Per-service limits overriding min/max. */
  limits: Record<string, { min: number; max: number }>;
  targetInflight: number;
  syncMs: number;
  metricWindowMs: number;
  scaleDownWindowMs: number;
}

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
      'no-prometheus': { type: 'boolean' },
      'prometheus-port': { type: 'string' },
      'scrape-interval': { type: 'string' },
      retention: { type: 'string' },
      'no-jaeger': { type: 'boolean' },
      'jaeger-port': { type: 'string' },
      'otlp-port': { type: 'string' },
      'trace-sampling': { type: 'string' },
      'no-autoscale': { type: 'boolean' },
      'autoscale-min': { type: 'string' },
      'autoscale-max': { type: 'string' },
      'autoscale-limits': { type: 'string' },
      'autoscale-target': { type: 'string' },
      'autoscale-sync-ms': { type: 'string' },
      'autoscale-metric-window-ms': { type: 'string' },
      'scale-down-window-s': { type: 'string' },
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
    observability: {
      prometheus: !values['no-prometheus'] && env.DEMO_PROMETHEUS !== '0',
      prometheusPort: num(values['prometheus-port'], env.DEMO_PROMETHEUS_PORT, 9090, 0, 65535),
      scrapeIntervalSeconds: num(values['scrape-interval'], env.DEMO_SCRAPE_INTERVAL, 5, 1, 300),
      retention: duration(values.retention ?? env.DEMO_PROMETHEUS_RETENTION ?? '12h'),
      jaeger: !values['no-jaeger'] && env.DEMO_JAEGER !== '0',
      jaegerPort: num(values['jaeger-port'], env.DEMO_JAEGER_PORT, 16686, 0, 65535),
      otlpPort: num(values['otlp-port'], env.DEMO_OTLP_PORT, 4318, 0, 65535),
      traceSampling: ratio(values['trace-sampling'] ?? env.DEMO_TRACE_SAMPLING ?? '1'),
    },
    autoscale: autoscaleConfig(values, env, num, basePort === 0 ? 32 : 9),
  };
}

type NumParser = (
  flag: string | undefined,
  envValue: string | undefined,
  fallback: number,
  min: number,
  max: number,
) => number;

function autoscaleConfig(
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
  num: NumParser,
  maxReplicas: number,
): AutoscaleConfig {
  const str = (key: string) => values[key] as string | undefined;
  const min = num(str('autoscale-min'), env.DEMO_AUTOSCALE_MIN, 2, 1, maxReplicas);
  const max = num(str('autoscale-max'), env.DEMO_AUTOSCALE_MAX, Math.max(4, min), 1, maxReplicas);
  if (max < min) throw new Error(`--autoscale-max (${max}) is below --autoscale-min (${min})`);
  const limits: AutoscaleConfig['limits'] = {};
  for (const item of (str('autoscale-limits') ?? env.DEMO_AUTOSCALE_LIMITS ?? '').split(',')) {
    if (!item.trim()) continue;
    const m = /^([a-z-]+)=(\d+):(\d+)$/.exec(item.trim());
    const [lo, hi] = m ? [Number(m[2]), Number(m[3])] : [0, 0];
    if (!m || !SERVICE_NAMES.includes(m[1] as ServiceName) || lo < 1 || hi < lo || hi > maxReplicas)
      throw new Error(`bad --autoscale-limits entry "${item}" (expected <service>=<min>:<max>)`);
    limits[m[1]] = { min: lo, max: hi };
  }
  const target = Number(str('autoscale-target') ?? env.DEMO_AUTOSCALE_TARGET ?? '2');
  if (!(target > 0 && target <= 1000)) throw new Error(`--autoscale-target must be in (0, 1000]`);
  return {
    enabled: !values['no-autoscale'] && env.DEMO_AUTOSCALE !== '0',
    min,
    max,
    limits,
    targetInflight: target,
    syncMs: num(str('autoscale-sync-ms'), env.DEMO_AUTOSCALE_SYNC_MS, 5000, 200, 600_000),
    metricWindowMs: num(
      str('autoscale-metric-window-ms'),
      env.DEMO_AUTOSCALE_METRIC_WINDOW_MS,
      15_000,
      500,
      600_000,
    ),
    scaleDownWindowMs: 1000 * num(str('scale-down-window-s'), env.DEMO_SCALE_DOWN_WINDOW_S, 300, 0, 3600),
  };
}

function duration(raw: string): string {
  if (!/^\d{1,4}[mhd]$/.test(raw)) throw new Error(`expected a retention like 12h or 2d, got "${raw}"`);
  return raw;
}

function ratio(raw: string): number {
  const n = Number(raw);
  if (!(n >= 0 && n <= 1)) throw new Error(`expected a sampling ratio in 0..1, got "${raw}"`);
  return n;
}
