import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompanionProcess } from '../companions/companion-process';
import { EventLog } from '../event-log';
import { AlertWatcher } from './alert-watcher';
import { prometheusConfig, ScrapeTarget, writeTargets } from './prometheus-config';

export interface DemoPrometheusOptions {
  root: string;
  dataDir: string;
  host: string;
  port: number;
  intervalSeconds: number;
  retention: string;
  /** host:port of the runner's /metrics (the status API). */
  runnerTarget: string;
  logFile: string;
  events: EventLog;
}

/**
 * `make demo`'s Prometheus: Debian's binary on loopback, data in `<data-dir>/prometheus`
 * (kept for `retention`), scraping every replica through file-based discovery and
 * evaluating the repository's rules. Firing alerts are mirrored into the runner's events.
 */
export class DemoPrometheus {
  readonly url: string;
  readonly alerts: AlertWatcher;
  private readonly process: CompanionProcess;
  private readonly targetsFile: string;
  private lastTargets = '';

  constructor(opts: DemoPrometheusOptions) {
    const dir = join(opts.dataDir, 'prometheus');
    mkdirSync(join(dir, 'data'), { recursive: true });
    this.targetsFile = join(dir, 'targets.json');
    writeTargets(this.targetsFile, []);
    const configFile = join(dir, 'prometheus.yml');
    writeFileSync(
      configFile,
      prometheusConfig({
        intervalSeconds: opts.intervalSeconds,
        rulesGlob: join(opts.root, 'monitoring', 'prometheus', 'rules', '*.yml'),
        targetsFile: this.targetsFile,
        runnerTarget: opts.runnerTarget,
      }),
    );
    this.url = `http://${opts.host}:${opts.port}`;
    this.process = new CompanionProcess({
      name: 'prometheus',
      binary: 'prometheus',
      args: [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--storage.tsdb.retention.time=${opts.retention}`,
        `--web.listen-address=${opts.host}:${opts.port}`,
        // The replica graph and alerts pages link back here; nothing else is served.
        `--web.external-url=${this.url}`,
        '--log.level=warn',
      ],
      logFile: opts.logFile,
      pidFile: join(opts.dataDir, 'run', 'prometheus.pid'),
      readyUrl: `${this.url}/-/ready`,
      events: opts.events,
    });
    this.alerts = new AlertWatcher(this.url, opts.events);
  }

  /** Whether Debian's `prometheus` is on PATH (`bash scripts/ensure-prometheus.sh` installs it). */
  static available(): boolean {
    try {
      execFileSync('prometheus', ['--version'], { stdio: 'ignore', timeout: 10_000 });
      return true;
    } catch {
      return false;
    }
  }

  async start(timeoutMs = 60_000): Promise<void> {
    this.process.start();
    await this.process.waitReady(timeoutMs);
    this.alerts.start();
  }

  /** Rewrites the file_sd targets when the set of replicas changed. */
  setTargets(targets: ScrapeTarget[]): void {
    const key = JSON.stringify(targets);
    if (key === this.lastTargets) return;
    this.lastTargets = key;
    writeTargets(this.targetsFile, targets);
  }

  snapshot() {
    return { url: this.url, ...this.process.snapshot(), alerts: this.alerts.current() };
  }

  async stop(): Promise<void> {
    this.alerts.stop();
    await this.process.stop();
  }
}
