import { nodePreloadArgs, tracingPreloadPath } from '@ha-shop/observability';
import { freePort } from '@ha-shop/testkit';
import { FastifyInstance } from 'fastify';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  forgetSeeding,
  ensureAdmin,
  migrate,
  readAdmin,
  seedCatalogOnce,
  AdminCredentials,
} from './bootstrap-data';
import { Autoscaler } from './autoscaler/autoscaler';
import { ObservabilityStack } from './companions/observability-stack';
import { RunnerConfig } from './config';
import { createEdge, createServiceAddress } from './edge/edge';
import { EventLog } from './event-log';
import { DemoPostgres } from './postgres';
import { closeProbes } from './probes';
import { DemoSecrets, loadOrCreateSecrets } from './secrets';
import { availability, ServiceName, serviceSpecs, ServiceSpec } from './services';
import { ProcessRegistry } from './supervisor/process-registry';
import { Replica, ReplicaTiming } from './supervisor/replica';
import { ServicePool } from './supervisor/service-pool';
import { Storefront } from './storefront';

export type RunnerPhase = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface SkippedService {
  name: ServiceName;
  reason: string;
}

/**
 * Everything `make demo` runs: PostgreSQL, every service's replicas behind a stable
 * loopback address each, the public edge, the storefront, and the status API.
 */
export class Runner {
  readonly events = new EventLog();
  readonly pools = new Map<ServiceName, ServicePool>();
  readonly specs = new Map<ServiceName, ServiceSpec>();
  readonly skipped: SkippedService[] = [];
  readonly serviceUrls = new Map<ServiceName, string>();
  /** Faults chaos asked for, re-applied to replicas that restart. */
  readonly faults = new Map<ServiceName, Record<string, number>>();
  readonly postgres: DemoPostgres;
  storefront?: Storefront;
  phase: RunnerPhase = 'starting';
  startedAt = Date.now();
  readyAt?: number;
  admin?: AdminCredentials;
  secrets!: DemoSecrets;
  edgeUrl = '';
  private readonly logDir: string;
  private readonly registry: ProcessRegistry;
  private edge?: FastifyInstance;
  private readonly addresses: FastifyInstance[] = [];
  private readonly timing: ReplicaTiming;
  private readonly started = new Set<Replica>();
  private logTrimmer?: NodeJS.Timeout;
  /** Prometheus and Jaeger (issue 11), each optional. */
  readonly observability: ObservabilityStack;
  autoscaler?: Autoscaler;
  /** Called whenever a replica becomes ready (chaos re-applies faults there). */
  readonly readyListeners: Array<(replica: Replica) => void> = [];

  constructor(readonly config: RunnerConfig) {
    this.logDir = join(config.dataDir, 'logs');
    mkdirSync(this.logDir, { recursive: true });
    this.registry = new ProcessRegistry(join(config.dataDir, 'run'));
    const { secrets } = loadOrCreateSecrets(config.dataDir);
    this.secrets = secrets;
    this.postgres = new DemoPostgres({
      dataDir: config.dataDir,
      port: config.pgPort,
      password: secrets.POSTGRES_PASSWORD,
      logFile: this.logFile('postgres'),
      events: this.events,
    });
    this.timing = {
      probeIntervalMs: config.probeIntervalMs,
      livenessPeriodMs: config.livenessPeriodMs,
      livenessFailureThreshold: config.livenessFailureThreshold,
      startupTimeoutMs: config.startupTimeoutMs,
      readinessFailureThreshold: 2,
      minEjectionMs: 3000,
      ejectAfterFailures: config.ejectAfterFailures,
    };
    this.observability = new ObservabilityStack(config, this.events);
  }

  /** Starts everything; `onProgress` hears each step (the CLI prints them). */
  async start(onProgress: (line: string) => void = () => undefined): Promise<void> {
    const cfg = this.config;
    this.registry.claim();
    const freshCluster = !existsSync(join(cfg.dataDir, 'postgres', 'PG_VERSION'));
    if (freshCluster) forgetSeeding(cfg.dataDir);

    onProgress(`PostgreSQL: ${freshCluster ? 'initialising' : 'starting'} ${join(cfg.dataDir, 'postgres')}`);
    await this.postgres.start();
    this.registry.record('postgres', this.postgres.port);

    for (const spec of serviceSpecs(cfg.root)) {
      if (!cfg.services.includes(spec.name)) continue;
      const state = availability(spec);
      if (state !== 'ready') {
        const reason =
          state === 'absent' ? `apps/${spec.name} does not exist yet` : `not built (run "make build")`;
        this.skipped.push({ name: spec.name, reason });
        this.events.add('runner', `${spec.name} skipped: ${reason}`, { service: spec.name });
        continue;
      }
      this.specs.set(spec.name, spec);
    }
    await this.postgres.ensureDatabases([...this.specs.values()].map((s) => s.database));
    await this.allocatePorts();
    await this.observability.prepare();
    const companions = this.observability.start();

    // Addresses and the edge listen before replicas exist: they answer 503 until some are ready.
    for (const [name, pool] of this.pools) {
      const server = await createServiceAddress(pool, cfg.attemptTimeoutMs);
      await server.listen({ host: cfg.host, port: Number(new URL(this.serviceUrls.get(name)!).port) });
      this.addresses.push(server);
    }
    this.edge = await createEdge({ pools: this.pools, attemptTimeoutMs: cfg.attemptTimeoutMs });
    const edgeAddress = await this.edge.listen({ host: cfg.host, port: cfg.edgePort });
    this.edgeUrl = edgeAddress.replace('localhost', '127.0.0.1');

    this.checkNotStopped();
    onProgress(`migrations: ${[...this.specs.keys()].join(', ')}`);
    const names = [...this.specs.keys()];
    const migrated = await Promise.all(
      names.map((name) => migrate(this.specs.get(name)!, this.bootstrapContext())),
    );
    const migratesAtStart = new Set(names.filter((_, i) => migrated[i] === 'at-start'));
    const product = this.specs.get('product-service');
    const user = this.specs.get('user-service');
    const [catalog, admin] = await Promise.all([
      product ? seedCatalogOnce(product, this.bootstrapContext(), 300) : 'no product-service: no catalog',
      user
        ? ensureAdmin(user, this.bootstrapContext(), freshCluster)
        : { admin: undefined, note: 'no user-service: no admin' },
    ]);
    onProgress(`catalog: ${catalog}; ${admin.note}`);
    this.admin = admin.admin ?? readAdmin(cfg.dataDir);

    // A service without a migrate command migrates at start: its first replica goes alone.
    const firstAlone = [...this.pools.values()].filter((p) => migratesAtStart.has(p.name as ServiceName));
    for (const pool of firstAlone) this.startReplica(pool.replicas[0]);
    await waitReady(
      firstAlone.map((p) => p.replicas[0]),
      cfg.startupTimeoutMs,
      () => this.phase !== 'starting',
    );
    this.checkNotStopped();
    await companions;
    onProgress(`starting ${cfg.replicas} replica(s) of ${this.pools.size} service(s)`);
    for (const pool of this.pools.values()) for (const r of pool.replicas) this.startReplica(r);

    const storefront = Storefront.detect(
      cfg,
      this.edgeUrl,
      this.logFile('storefront'),
      this.events,
      this.timing,
    );
    if (storefront.replica) {
      this.storefront = storefront;
      this.startReplica(storefront.replica);
    } else if (storefront.skipped) {
      this.events.add('runner', `storefront skipped: ${storefront.skipped}`);
    }

    const all = [...this.pools.values()].flatMap((p) => p.replicas);
    await waitReady(all, cfg.startupTimeoutMs, () => this.phase !== 'starting');
    this.checkNotStopped();
    this.phase = 'running';
    this.startAutoscaler();
    this.logTrimmer = setInterval(() => trimLogs(this.logDir), 60_000);
    this.logTrimmer.unref();
    this.readyAt = Date.now();
    this.events.add(
      'runner',
      `all ${all.length} replicas ready in ${Math.round((this.readyAt - this.startedAt) / 1000)} s`,
    );
  }

  /** Ctrl-C / SIGTERM: the edge stops taking requests, replicas drain (SIGTERM), then PostgreSQL. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.phase === 'stopping' || this.phase === 'stopped') return;
    this.phase = 'stopping';
    clearInterval(this.logTrimmer);
    this.events.add('runner', 'stopping');
    this.autoscaler?.stop();
    await this.edge?.close().catch(() => undefined);
    const replicas = [...this.pools.values()].flatMap((p) => p.replicas);
    if (this.storefront?.replica) replicas.push(this.storefront.replica);
    await Promise.all(replicas.map((r) => r.stop(graceMs)));
    await Promise.all(this.addresses.map((a) => a.close().catch(() => undefined)));
    await this.postgres.stop().catch(() => undefined);
    await this.observability.stop().catch(() => undefined);
    await closeProbes();
    this.registry.release();
    this.phase = 'stopped';
  }

  /** The environment a replica of `spec` runs with. */
  envFor(spec: ServiceSpec): Record<string, string> {
    const s = this.secrets;
    const env: Record<string, string> = {
      ...inheritedEnv(),
      NODE_ENV: 'production',
      HOST: this.config.host,
      LOG_LEVEL: this.config.logLevel,
      DATABASE_URL: this.postgres.urlFor(spec.database),
      INTERNAL_TOKEN: s.INTERNAL_TOKEN,
      FAULT_INJECTION_SECRET: s.FAULT_INJECTION_SECRET,
      ...this.observability.tracingEnv(),
    };
    for (const [name, url] of this.serviceUrls) env[this.specs.get(name)!.urlVariable] = url;
    const users = this.serviceUrls.get('user-service');
    if (users) env.JWKS_URL = `${users}/.well-known/jwks.json`;
    if (spec.name === 'checkout-service') env.PAYMENT_DATA_KEY = s.PAYMENT_DATA_KEY;
    if (spec.name === 'user-service') env.JWT_KEY_ENCRYPTION_SECRET = s.JWT_KEY_ENCRYPTION_SECRET;
    if (spec.name === 'analytics-service') {
      env.FEED_SOURCES = [...this.serviceUrls.entries()]
        .filter(([name]) => name !== 'analytics-service')
        .map(([name, url]) => `${name}=${url}`)
        .join(',');
    }
    return env;
  }

  logFile(name: string): string {
    return join(this.logDir, `${name}.log`);
  }

  private checkNotStopped(): void {
    if (this.phase !== 'starting') throw new Error('stopped while starting');
  }

  private bootstrapContext() {
    return {
      dataDir: this.config.dataDir,
      logDir: this.logDir,
      envFor: (spec: ServiceSpec) => this.envFor(spec),
    };
  }

  private async allocatePorts(): Promise<void> {
    const cfg = this.config;
    for (const spec of this.specs.values()) {
      const block = cfg.basePort + 10 * spec.index;
      const addressPort = cfg.basePort === 0 ? await freePort() : block;
      this.serviceUrls.set(spec.name, `http://${cfg.host}:${addressPort}`);
      const pool = new ServicePool(spec.name);
      for (let i = 1; i <= cfg.replicas; i++) pool.add(await this.newReplica(spec, i));
      this.pools.set(spec.name, pool);
    }
  }

  private async newReplica(spec: ServiceSpec, i: number): Promise<Replica> {
    const cfg = this.config;
    const id = `${spec.name}-${i}`;
    rotateLog(this.logFile(id));
    return new Replica({
      id,
      service: spec.name,
      port: cfg.basePort === 0 ? await freePort() : cfg.basePort + 10 * spec.index + i,
      command: { args: [...tracingArgs(), spec.mainJs], cwd: spec.appDir, env: {} },
      logFile: this.logFile(id),
      timing: this.timing,
      events: this.events,
    });
  }

  /**
   * Scale-out adds replicas with the next free numbers, which take traffic once ready;
   * scale-in drains the newest ones (out of rotation, requests in flight finish) and stops them.
   */
  async scaleTo(name: string, replicas: number): Promise<void> {
    const pool = this.pools.get(name as ServiceName);
    const spec = this.specs.get(name as ServiceName);
    if (!pool || !spec || this.phase !== 'running') return;
    const added: Replica[] = [];
    while (pool.active.length + added.length < replicas) {
      const taken = new Set(pool.replicas.map((r) => r.id));
      let i = 1;
      while (taken.has(`${name}-${i}`) || added.some((r) => r.id === `${name}-${i}`)) i++;
      added.push(await this.newReplica(spec, i));
    }
    for (const r of added) {
      pool.add(r);
      this.startReplica(r);
    }
    this.syncTargets();
    const removed = pool.active.slice(replicas).reverse();
    await Promise.all([
      waitReady(added, this.config.startupTimeoutMs, () => this.phase !== 'running'),
      ...removed.map((r) => this.drainAndStop(pool, r)),
    ]);
  }

  private async drainAndStop(pool: ServicePool, replica: Replica): Promise<void> {
    pool.drain(replica);
    this.events.add('scale', `${replica.id} draining (scale-in)`, {
      service: pool.name,
      replica: replica.id,
    });
    const deadline = Date.now() + 30_000;
    while (replica.inflight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await replica.stop();
    pool.remove(replica);
    this.started.delete(replica);
    replica.removeAllListeners();
    this.registry.record(replica.id, undefined);
    this.syncTargets();
    this.events.add('scale', `${replica.id} removed (scale-in)`, { service: pool.name, replica: replica.id });
  }

  private startAutoscaler(): void {
    const a = this.config.autoscale;
    if (!a.enabled) return;
    this.autoscaler = new Autoscaler(this.pools, this, this.events, {
      targetInflight: a.targetInflight,
      tolerance: 0.1,
      limits: (service) => a.limits[service] ?? { min: a.min, max: a.max },
      syncMs: a.syncMs,
      sampleMs: 250,
      metricWindowMs: a.metricWindowMs,
      scaleDownWindowMs: a.scaleDownWindowMs,
    });
    this.autoscaler.start();
  }

  /** Every replica that exists is a scrape target (a crashed one too: that is what `up == 0` shows). */
  private syncTargets(): void {
    this.observability.setTargets(
      [...this.pools.values()].flatMap((p) =>
        p.replicas.map((r) => ({ service: p.name, replica: r.id, port: r.port })),
      ),
    );
  }

  private startReplica(replica: Replica): void {
    if (this.started.has(replica) || (this.phase !== 'starting' && this.phase !== 'running')) return;
    this.started.add(replica);
    this.syncTargets();
    const spec = this.specs.get(replica.opts.service as ServiceName);
    if (spec) replica.opts.command.env = this.envFor(spec);
    replica.on('change', () => this.registry.record(replica.id, replica.pid));
    replica.on('ready', () => {
      for (const listener of this.readyListeners) listener(replica);
    });
    replica.start();
  }
}

/** Resolves when every replica is ready (or `timeoutMs` passed, which throws). */
export async function waitReady(
  replicas: Replica[],
  timeoutMs = 120_000,
  abort = () => false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!replicas.every((r) => r.ready)) {
    if (abort()) return;
    if (Date.now() > deadline) {
      const notReady = replicas.filter((r) => !r.ready);
      const missing = notReady.map((r) => `${r.id} (${r.lastExit?.reason ?? r.state})`);
      // The replicas' own last words say why far better than "crashed (exit code 1)".
      const logs = notReady.map((r) => `--- ${r.id} (${r.opts.logFile}):\n${tailOf(r.opts.logFile)}`);
      throw new Error(
        `not ready after ${Math.round(timeoutMs / 1000)} s: ${missing.join(', ')}\n${logs.join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
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

const MAX_LOG_BYTES = 50 * 1024 * 1024;

/** Keeps one previous log per replica when it grew large. */
function rotateLog(file: string): void {
  if (existsSync(file) && statSync(file).size > MAX_LOG_BYTES) renameSync(file, `${file}.1`);
}

/**
 * A demo left running logs every probe: keep each log under MAX_LOG_BYTES. The replicas
 * append (O_APPEND), so truncating in place is safe; the previous content goes to `.1`.
 */
function trimLogs(dir: string): void {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (!name.endsWith('.log') || statSync(file).size <= MAX_LOG_BYTES) continue;
    copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
  }
}

function tailOf(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
