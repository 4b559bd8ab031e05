import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunnerConfig } from './config';
import { EventLog } from './event-log';
import { Replica, ReplicaTiming } from './supervisor/replica';

/**
 * The storefront, once `apps/storefront` exists and is built: one supervised
 * process on `--storefront-port`, talking to the shop through the edge.
 * A Next.js app is started with `next start`; anything else with its package's `main`.
 */
export class Storefront {
  private constructor(
    readonly replica?: Replica,
    readonly skipped?: string,
    readonly url?: string,
  ) {}

  static detect(
    cfg: RunnerConfig,
    edgeUrl: string,
    logFile: string,
    events: EventLog,
    timing: ReplicaTiming,
  ): Storefront {
    if (!cfg.storefront) return new Storefront(undefined, 'disabled (--no-storefront)');
    const dir = join(cfg.root, 'apps', 'storefront');
    const pkgFile = join(dir, 'package.json');
    if (!existsSync(pkgFile)) return new Storefront(undefined, 'apps/storefront does not exist yet');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
      main?: string;
      scripts?: Record<string, string>;
    };
    let args: string[];
    const nextBin = join(cfg.root, 'node_modules', 'next', 'dist', 'bin', 'next');
    if (
      (pkg.scripts?.start ?? '').includes('next') ||
      existsSync(join(dir, 'next.config.js')) ||
      existsSync(join(dir, 'next.config.mjs'))
    ) {
      if (!existsSync(join(dir, '.next', 'BUILD_ID')))
        return new Storefront(undefined, 'not built (run "make build")');
      if (!existsSync(nextBin)) return new Storefront(undefined, 'next is not installed');
      args = [nextBin, 'start', '--hostname', cfg.host, '--port', String(cfg.storefrontPort)];
    } else if (pkg.main && existsSync(join(dir, pkg.main))) {
      args = [join(dir, pkg.main)];
    } else {
      return new Storefront(undefined, 'not built (run "make build")');
    }
    const api = `${edgeUrl}/api`;
    const replica = new Replica({
      id: 'storefront-1',
      service: 'storefront',
      port: cfg.storefrontPort,
      command: {
        args,
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          NODE_ENV: 'production',
          HOST: cfg.host,
          HOSTNAME: cfg.host,
          API_BASE_URL: api,
          NEXT_PUBLIC_API_BASE_URL: api,
          EDGE_URL: edgeUrl,
          RUNNER_STATUS_URL: `http://${cfg.host}:${cfg.statusPort}`,
          // The /architecture dashboard adds request rate, error ratio and p95 when it can ask Prometheus.
          ...(process.env.PROMETHEUS_URL ? { PROMETHEUS_URL: process.env.PROMETHEUS_URL } : {}),
        },
      },
      logFile,
      timing,
      events,
      readyPath: '/',
      livePath: '/',
    });
    return new Storefront(replica, undefined, `http://${cfg.host}:${cfg.storefrontPort}`);
  }
}
