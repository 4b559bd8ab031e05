import { renameSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface PrometheusConfigOptions {
  /** Seconds between scrapes and between rule evaluations (the demo's 5 s; tests use 1 s). */
  intervalSeconds: number;
  rulesGlob: string;
  /** The file_sd file the runner rewrites as replicas come and go. */
  targetsFile: string;
  /** The runner's own /metrics (host:port): replicas desired/ready per service. */
  runnerTarget: string;
}

/**
 * prometheus.yml for the demo. Replicas come from file-based discovery (Prometheus watches
 * the file, no reload needed), each target labelled `service` and `replica`; the rules
 * are the repository's own files, read in place. The runner's job has no `service`
 * label on purpose: availability alerts group by it and the runner is not a service.
 */
export function prometheusConfig(o: PrometheusConfigOptions): string {
  const interval = `${o.intervalSeconds}s`;
  const timeout = `${Math.round(Math.max(500, o.intervalSeconds * 800))}ms`;
  return stringify({
    global: { scrape_interval: interval, scrape_timeout: timeout, evaluation_interval: interval },
    rule_files: [o.rulesGlob],
    scrape_configs: [
      {
        job_name: 'ha-shop',
        metrics_path: '/metrics',
        file_sd_configs: [{ files: [o.targetsFile], refresh_interval: '30s' }],
      },
      {
        job_name: 'runner',
        metrics_path: '/metrics',
        static_configs: [{ targets: [o.runnerTarget] }],
      },
    ],
  });
}

export interface ScrapeTarget {
  service: string;
  replica: string;
  port: number;
}

/** Writes the file_sd targets atomically (rename), so Prometheus never reads half a file. */
export function writeTargets(file: string, targets: ScrapeTarget[]): void {
  const groups = targets.map((t) => ({
    targets: [`127.0.0.1:${t.port}`],
    labels: { service: t.service, replica: t.replica },
  }));
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(groups, null, 2) + '\n');
  renameSync(tmp, file);
}
