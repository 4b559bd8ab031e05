// Over 250 lines: the runner's own state and the order of its start and stop; each step's work lives in the files it imports.
import { freePort } from '@ha-shop/os-process';
import { FastifyInstance } from 'fastify';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AdminCredentials, BootstrapContext, forgetSeeding } from './bootstrap-data';
import { Autoscaler, autoscalerOptions } from './autoscaler/autoscaler';
import { ObservabilityStack } from './companions/observability-stack';
import { RunnerConfig } from './config';
import { createEdge, createServiceAddress } from './edge/edge';
import { EventLog } from './event-log';
import { DemoPostgres } from './postgres';
import { trimLogsPeriodically } from './log-rotation';
import { closeProbes } from './probes';
import { replicaEnv, replicaTiming, serviceReplica } from './replica-launch';
import { DemoSecrets, loadOrCreateSecrets } from './secrets';
import { ServiceName, ServiceSpec } from './services';
import { bootstrapData, selectServices, SkippedService } from './start-phases';
import { ProcessRegistry } from './supervisor/process-registry';
import { Replica, ReplicaTiming } from './supervisor/replica';
import { ReplicaScaler } from './supervisor/replica-scaler';
import { ServicePool } from './supervisor/service-pool';
import { waitReady } from './supervisor/wait-ready';
import { Storefront } from './storefront';

export type RunnerPhase = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

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
  private readonly scaler: ReplicaScaler;
  private stopTrimmingLogs?: () => void;
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
    this.timing = replicaTiming(config);
    this.observability = new ObservabilityStack(config, this.events);
    this.scaler = new ReplicaScaler({
      pools: this.pools,
      specs: this.specs,
      events: this.events,
      startupTimeoutMs: config.startupTimeoutMs,
      running: () => this.phase === 'running',
      newReplica: (spec, i) => this.newReplica(spec, i),
      startReplica: (replica) => this.startReplica(replica),
      forgetReplica: (replica) => {
        this.started.delete(replica);
        replica.removeAllListeners();
        this.registry.record(replica.id, undefined);
      },
      syncTargets: () => this.syncTargets(),
    });
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

    const selected = selectServices(cfg, this.events);
    this.skipped.push(...selected.skipped);
    for (const spec of selected.specs) this.specs.set(spec.name, spec);
    await this.postgres.ensureDatabases([...this.specs.values()].map((s) => s.database));
    await this.allocatePorts();
    await this.observability.prepare();
    const companions = this.observability.start();

    await this.listenBeforeReplicas();

    this.checkNotStopped();
    const data = await bootstrapData(this.specs, this.bootstrapContext(), freshCluster, onProgress);
    this.admin = data.admin;
    const { migratesAtStart } = data;

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
    this.stopTrimmingLogs = trimLogsPeriodically(this.logDir);
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
    this.stopTrimmingLogs?.();
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
    return replicaEnv(spec, {
      config: this.config,
      secrets: this.secrets,
      databaseUrl: (database) => this.postgres.urlFor(database),
      serviceUrls: this.serviceUrls,
      specs: this.specs,
      tracingEnv: this.observability.tracingEnv(),
    });
  }

  logFile(name: string): string {
    return join(this.logDir, `${name}.log`);
  }

  /** Addresses and the edge listen before replicas exist: they answer 503 until some are ready. */
  private async listenBeforeReplicas(): Promise<void> {
    const cfg = this.config;
    for (const [name, pool] of this.pools) {
      const server = await createServiceAddress(pool, cfg.attemptTimeoutMs);
      await server.listen({ host: cfg.host, port: Number(new URL(this.serviceUrls.get(name)!).port) });
      this.addresses.push(server);
    }
    this.edge = await createEdge({ pools: this.pools, attemptTimeoutMs: cfg.attemptTimeoutMs });
    const edgeAddress = await this.edge.listen({ host: cfg.host, port: cfg.edgePort });
    this.edgeUrl = edgeAddress.replace('localhost', '127.0.0.1');
  }

  private checkNotStopped(): void {
    if (this.phase !== 'starting') throw new Error('stopped while starting');
  }

  private bootstrapContext(): BootstrapContext {
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

  private newReplica(spec: ServiceSpec, i: number): Promise<Replica> {
    return serviceReplica(spec, i, {
      config: this.config,
      logFile: (id) => this.logFile(id),
      timing: this.timing,
      events: this.events,
    });
  }

  private startAutoscaler(): void {
    const a = this.config.autoscale;
    if (!a.enabled) return;
    this.autoscaler = new Autoscaler(this.pools, this.scaler, this.events, autoscalerOptions(a));
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
