import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetSeeding, seedCatalogOnce } from './bootstrap-data';
import { parseConfig } from './config';
import { Runner } from './runner';
import { ServiceName } from './services';

export interface PlatformOptions {
  replicas: number;
  logLevel: string;
  /** Catalog size; the demo seeds 300. */
  products: number;
}

export interface Platform {
  runner: Runner;
  edgeUrl: string;
  /** The connection URL of a service's own database. */
  databaseUrl(service: ServiceName): string;
  /** One ready replica's own origin: requests there skip the edge. */
  directOrigin(service: ServiceName): string;
  replicas(): Array<{ id: string; service: string; pid: number | undefined }>;
  postgresPid(): number | undefined;
  stop(): Promise<void>;
}

/**
 * The shop in this process, started as `make demo` starts it (embedded PostgreSQL in a fresh
 * temporary folder, supervised replicas, the real edge) on ports the OS picks, with the
 * storefront, Prometheus, Jaeger and the autoscaler off: for tools that drive it, such as the
 * bench. `onStop` gets the stop function as soon as there is something to stop (a signal mid-start).
 */
export async function startPlatform(
  opts: PlatformOptions,
  onStop: (stop: () => Promise<void>) => void = () => undefined,
): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ha-shop-platform-'));
  const config = parseConfig(
    [
      ...['--data-dir', dataDir, '--replicas', String(opts.replicas), '--log-level', opts.logLevel],
      ...['--edge-port', '0', '--status-port', '0', '--pg-port', '0', '--base-port', '0'],
      ...['--no-storefront', '--no-prometheus', '--no-jaeger', '--no-autoscale', '--quiet'],
    ],
    {},
  );
  if (config === 'help') throw new Error('unreachable: no --help given');
  const runner = new Runner(config);
  const stop = async () => {
    await runner.stop(10_000).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  onStop(stop);
  try {
    await runner.start();
    if (runner.skipped.length > 0)
      throw new Error(`not started: ${runner.skipped.map((s) => `${s.name} (${s.reason})`).join(', ')}`);
    const product = runner.specs.get('product-service')!;
    // The start seeded the demo's catalog; the seed is deterministic and idempotent, so asking
    // for more adds the rest of the same generated catalog.
    forgetSeeding(dataDir);
    const ctx = { dataDir, logDir: join(dataDir, 'logs'), envFor: runner.envFor.bind(runner) };
    await seedCatalogOnce(product, ctx, opts.products);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    runner,
    edgeUrl: runner.edgeUrl,
    databaseUrl: (service) => runner.postgres.urlFor(runner.specs.get(service)!.database),
    directOrigin: (service) => runner.pools.get(service)!.replicas[0].origin,
    replicas: () =>
      [...runner.pools.values()].flatMap((p) =>
        p.replicas.map((r) => ({ id: r.id, service: p.name, pid: r.pid })),
      ),
    postgresPid: () => postmasterPid(join(dataDir, 'postgres')),
    stop,
  };
}

function postmasterPid(pgDir: string): number | undefined {
  try {
    return Number(readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}
