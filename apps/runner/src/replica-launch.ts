import { nodePreloadArgs, tracingPreloadPath } from '@ha-shop/observability';
import { freePort } from '@ha-shop/os-process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RunnerConfig } from './config';
import { EventLog } from './event-log';
import { rotateLog } from './log-rotation';
import { DemoSecrets } from './secrets';
import { REPLICA_NODE_ARGS, ServiceName, ServiceSpec } from './services';
import { Replica, ReplicaTiming } from './supervisor/replica';

export interface ReplicaEnvInputs {
  config: RunnerConfig;
  secrets: DemoSecrets;
  databaseUrl: (database: string) => string;
  /** Stable loopback address of each running service. */
  serviceUrls: ReadonlyMap<ServiceName, string>;
  specs: ReadonlyMap<ServiceName, ServiceSpec>;
  tracingEnv: Record<string, string>;
}

/**
 * The environment a replica of `spec` runs with: how to reach PostgreSQL and the other
 * services, and only the secrets that service needs.
 */
export function replicaEnv(spec: ServiceSpec, i: ReplicaEnvInputs): Record<string, string> {
  const s = i.secrets;
  const env: Record<string, string> = {
    ...inheritedEnv(),
    NODE_ENV: 'production',
    HOST: i.config.host,
    LOG_LEVEL: i.config.logLevel,
    DATABASE_URL: i.databaseUrl(spec.database),
    INTERNAL_TOKEN: s.INTERNAL_TOKEN,
    FAULT_INJECTION_SECRET: s.FAULT_INJECTION_SECRET,
    ...i.tracingEnv,
  };
  for (const [name, url] of i.serviceUrls) env[i.specs.get(name)!.urlVariable] = url;
  const users = i.serviceUrls.get('user-service');
  if (users) env.JWKS_URL = `${users}/.well-known/jwks.json`;
  if (spec.name === 'checkout-service') env.PAYMENT_DATA_KEY = s.PAYMENT_DATA_KEY;
  if (spec.name === 'user-service') env.JWT_KEY_ENCRYPTION_SECRET = s.JWT_KEY_ENCRYPTION_SECRET;
  if (spec.name === 'analytics-service') {
    env.FEED_SOURCES = [...i.serviceUrls.entries()]
      .filter(([name]) => name !== 'analytics-service')
      .map(([name, url]) => `${name}=${url}`)
      .join(',');
  }
  return env;
}

/** What replicas inherit from the runner's environment: the basics and tracing settings, nothing else. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', 'USER'].includes(key) || key.startsWith('OTEL_'))
      env[key] = value;
  }
  return env;
}

/** OpenTelemetry starts from a preload (exports nothing unless OTEL_* says so); skipped if not built. */
function tracingArgs(): string[] {
  return existsSync(tracingPreloadPath()) ? nodePreloadArgs() : [];
}

/**
 * HA_SHOP_CPU_PROF=<dir>: every replica writes a V8 CPU profile into <dir>/<service>/ when it
 * exits cleanly (a SIGTERM ends in process.exit), for profiling the shop under load (docs/performance.md).
 */
function cpuProfileArgs(service: string): string[] {
  const dir = process.env.HA_SHOP_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${join(resolve(dir), service)}`] : [];
}

/** Probe and ejection settings of every service replica, from the runner's flags. */
export function replicaTiming(config: RunnerConfig): ReplicaTiming {
  return {
    probeIntervalMs: config.probeIntervalMs,
    livenessPeriodMs: config.livenessPeriodMs,
    livenessFailureThreshold: config.livenessFailureThreshold,
    startupTimeoutMs: config.startupTimeoutMs,
    readinessFailureThreshold: 2,
    minEjectionMs: 3000,
    ejectAfterFailures: config.ejectAfterFailures,
  };
}

/**
 * Replica `index` of a service: a fixed port in the service's block of ten (or a free one when
 * the base port is 0), its previous log rotated if large. Not started yet.
 */
export async function serviceReplica(
  spec: ServiceSpec,
  index: number,
  ctx: { config: RunnerConfig; logFile: (id: string) => string; timing: ReplicaTiming; events: EventLog },
): Promise<Replica> {
  const cfg = ctx.config;
  const id = `${spec.name}-${index}`;
  rotateLog(ctx.logFile(id));
  return new Replica({
    id,
    service: spec.name,
    port: cfg.basePort === 0 ? await freePort() : cfg.basePort + 10 * spec.index + index,
    command: {
      args: [...REPLICA_NODE_ARGS, ...tracingArgs(), ...cpuProfileArgs(spec.name), spec.mainJs],
      cwd: spec.appDir,
      env: {},
    },
    logFile: ctx.logFile(id),
    timing: ctx.timing,
    events: ctx.events,
  });
}
