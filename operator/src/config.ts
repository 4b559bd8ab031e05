import { hostname } from 'node:os';

export interface OperatorOptions {
  /** Unique per replica: the Lease holder identity and the Events' reportingInstance. */
  identity: string;
  /** Where the leader Lease lives (the operator's own namespace). */
  leaseNamespace: string;
  leaseName: string;
  leaseDurationMs: number;
  /** Give up leadership when the Lease could not be renewed for this long. */
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Namespaces whose ChaosScenarios this operator runs; empty = all namespaces. */
  watchNamespaces: string[];
  /** Full relist of the ChaosScenario informer, and re-enqueue of everything. */
  resyncMs: number;
  /** Restart the watch when it has been silent this long (a dead TCP connection looks like silence). */
  watchSilenceMs: number;
  /** Requeue period of a scenario that is running. */
  tickMs: number;
  /** Port of /healthz, /readyz and /metrics; 0 picks a free port; undefined starts no server. */
  httpPort?: number;
  httpHost: string;
  log: (message: string) => void;
}

export function defaultOptions(overrides: Partial<OperatorOptions> = {}): OperatorOptions {
  return {
    identity: `${hostname()}-${process.pid}`,
    leaseNamespace: 'default',
    leaseName: 'chaos-operator-leader',
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    resyncMs: 5 * 60_000,
    watchSilenceMs: 5 * 60_000,
    tickMs: 1_000,
    watchNamespaces: [],
    httpHost: '0.0.0.0',
    log: (m) => console.log(`${new Date().toISOString()} ${m}`),
    ...overrides,
  };
}

/** Options from the environment, as the Deployment (and `make operator-run`) set them. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): OperatorOptions {
  const ms = (name: string) => (env[name] ? Number(env[name]) * 1000 : undefined);
  const defined = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return defaultOptions(
    defined({
      identity: env.POD_NAME,
      leaseNamespace: env.POD_NAMESPACE ?? env.LEASE_NAMESPACE,
      leaseName: env.LEASE_NAME,
      leaseDurationMs: ms('LEASE_DURATION_SECONDS'),
      renewDeadlineMs: ms('RENEW_DEADLINE_SECONDS'),
      retryPeriodMs: ms('RETRY_PERIOD_SECONDS'),
      watchNamespaces: (env.WATCH_NAMESPACES ?? env.WATCH_NAMESPACE ?? '')
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
      resyncMs: ms('RESYNC_SECONDS'),
      httpPort: env.HTTP_PORT === undefined ? 8080 : Number(env.HTTP_PORT),
      httpHost: env.HTTP_HOST,
    }),
  );
}
