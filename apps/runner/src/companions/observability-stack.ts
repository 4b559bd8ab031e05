import { freePort } from '@ha-shop/os-process';
import { join } from 'node:path';
import { RunnerConfig } from '../config';
import { EventLog } from '../event-log';
import { DemoJaeger } from '../jaeger/demo-jaeger';
import { DemoPrometheus } from '../prometheus/demo-prometheus';
import { ScrapeTarget } from '../prometheus/prometheus-config';

/** Prometheus and Jaeger as the runner starts them, or why not. */
export class ObservabilityStack {
  prometheus?: DemoPrometheus;
  jaeger?: DemoJaeger;
  readonly notes: string[] = [];

  constructor(
    private readonly cfg: RunnerConfig,
    private readonly events: EventLog,
  ) {}

  /**
   * Creates both (ports, config files) without starting them, so replicas can be given
   * Jaeger's OTLP address before it answers; a missing binary is a note, not a failure.
   */
  async prepare(): Promise<void> {
    const o = this.cfg.observability;
    const logs = join(this.cfg.dataDir, 'logs');
    const port = async (p: number) => (p === 0 ? freePort() : p);
    if (!o.prometheus) this.note('Prometheus off (--no-prometheus)');
    else if (!DemoPrometheus.available())
      this.note('Prometheus not started: no prometheus binary (run "bash scripts/ensure-prometheus.sh")');
    else
      this.prometheus = new DemoPrometheus({
        root: this.cfg.root,
        dataDir: this.cfg.dataDir,
        host: this.cfg.host,
        port: await port(o.prometheusPort),
        intervalSeconds: o.scrapeIntervalSeconds,
        retention: o.retention,
        runnerTarget: `${this.cfg.host}:${this.cfg.statusPort}`,
        logFile: join(logs, 'prometheus.log'),
        events: this.events,
      });
    const binary = o.jaeger ? DemoJaeger.binary(this.cfg.root) : undefined;
    if (!o.jaeger) this.note('Jaeger off (--no-jaeger)');
    else if (!binary) this.note('Jaeger not started: not built yet (run "make jaeger", minutes, once)');
    else
      this.jaeger = new DemoJaeger(binary, {
        root: this.cfg.root,
        dataDir: this.cfg.dataDir,
        host: this.cfg.host,
        queryPort: await port(o.jaegerPort),
        otlpPort: await port(o.otlpPort),
        grpcPort: await freePort(),
        maxTraces: 50_000,
        logFile: join(logs, 'jaeger.log'),
        events: this.events,
      });
  }

  /** The shop runs without them if they fail (the note and their log say why); they keep retrying. */
  async start(): Promise<void> {
    const started = async (what: string, run?: () => Promise<void>) => {
      if (!run) return;
      await run().catch((err: Error) => this.note(`${what} did not start: ${err.message.split('\n')[0]}`));
    };
    await Promise.all([
      started('Prometheus', this.prometheus && (() => this.prometheus!.start())),
      started('Jaeger', this.jaeger && (() => this.jaeger!.start())),
    ]);
  }

  /** OTEL_* for the replicas: export to Jaeger when it runs, nothing otherwise. */
  tracingEnv(): Record<string, string> {
    return this.jaeger?.tracingEnv(this.cfg.observability.traceSampling) ?? {};
  }

  setTargets(targets: ScrapeTarget[]): void {
    this.prometheus?.setTargets(targets);
  }

  async stop(): Promise<void> {
    await Promise.all([this.prometheus?.stop(), this.jaeger?.stop()]);
  }

  private note(line: string): void {
    this.notes.push(line);
    this.events.add('runner', line);
  }
}
