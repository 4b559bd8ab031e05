import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CompanionProcess } from '../companions/companion-process';
import { EventLog } from '../event-log';

export interface DemoJaegerOptions {
  root: string;
  dataDir: string;
  host: string;
  /** Query API (and the placeholder UI page) port. */
  queryPort: number;
  /** OTLP over HTTP, where every replica exports its spans. */
  otlpPort: number;
  /** The query service's gRPC port (nothing here uses it, but it must not take Jaeger's default). */
  grpcPort: number;
  maxTraces: number;
  logFile: string;
  events: EventLog;
}

/**
 * Jaeger v2 (an OpenTelemetry Collector distribution) built from its Go module by
 * scripts/jaeger-build.sh: OTLP/HTTP in, in-memory storage, the query API on loopback.
 * Only the receiver and the query extension listen; the collector's own telemetry is off.
 */
export class DemoJaeger {
  readonly url: string;
  readonly otlpUrl: string;
  private readonly process: CompanionProcess;

  constructor(binary: string, opts: DemoJaegerOptions) {
    const dir = join(opts.dataDir, 'jaeger');
    mkdirSync(dir, { recursive: true });
    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, jaegerConfig(opts));
    this.url = `http://${opts.host}:${opts.queryPort}`;
    this.otlpUrl = `http://${opts.host}:${opts.otlpPort}`;
    this.process = new CompanionProcess({
      name: 'jaeger',
      binary,
      args: ['--config', `file:${configFile}`],
      logFile: opts.logFile,
      pidFile: join(opts.dataDir, 'run', 'jaeger.pid'),
      readyUrl: `${this.url}/api/services`,
      events: opts.events,
    });
  }

  /** The cached binary, without building it (`bash scripts/jaeger-build.sh` or `make jaeger` builds it). */
  static binary(root: string): string | undefined {
    try {
      const out = execFileSync('bash', [join(root, 'scripts', 'jaeger-build.sh'), '--check'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 10_000,
      }).trim();
      return out && existsSync(out) ? out : undefined;
    } catch {
      return undefined;
    }
  }

  /** What every replica gets: export spans over OTLP/HTTP to this Jaeger, sampled at `ratio`. */
  tracingEnv(ratio: number): Record<string, string> {
    return {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${this.otlpUrl}/v1/traces`,
      // A root decides; downstream services follow the caller's decision, so traces stay whole.
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: String(ratio),
      // Spans show up within a second or two instead of the SDK's 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '1000',
    };
  }

  async start(timeoutMs = 60_000): Promise<void> {
    this.process.start();
    await this.process.waitReady(timeoutMs);
  }

  snapshot() {
    return { url: this.url, otlp: this.otlpUrl, ...this.process.snapshot() };
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}

function jaegerConfig(o: DemoJaegerOptions): string {
  return stringify({
    service: {
      extensions: ['jaeger_storage', 'jaeger_query'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] },
      },
      telemetry: {
        resource: { 'service.name': 'jaeger' },
        metrics: { level: 'none' },
        logs: { level: 'warn' },
      },
    },
    extensions: {
      jaeger_query: {
        storage: { traces: 'memstore' },
        // Its own traces would land among the shop's.
        enable_tracing: false,
        http: { endpoint: `${o.host}:${o.queryPort}` },
        grpc: { endpoint: `${o.host}:${o.grpcPort}` },
      },
      jaeger_storage: { backends: { memstore: { memory: { max_traces: o.maxTraces } } } },
    },
    receivers: { otlp: { protocols: { http: { endpoint: `${o.host}:${o.otlpPort}` } } } },
    processors: { batch: { timeout: '1s' } },
    exporters: { jaeger_storage_exporter: { trace_storage: 'memstore' } },
  });
}
