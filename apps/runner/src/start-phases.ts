import {
  AdminCredentials,
  BootstrapContext,
  ensureAdmin,
  migrate,
  readAdmin,
  seedCatalogOnce,
} from './bootstrap-data';
import { RunnerConfig } from './config';
import { EventLog } from './event-log';
import { availability, ServiceName, serviceSpecs, ServiceSpec } from './services';

/*
 * The steps of Runner.start that need only their inputs, in the order they run.
 * The runner keeps the steps that create or start its own servers and replicas.
 */

export interface SkippedService {
  name: ServiceName;
  reason: string;
}

/** The services this run supervises; absent or unbuilt ones are skipped with the reason. */
export function selectServices(
  cfg: RunnerConfig,
  events: EventLog,
): { specs: ServiceSpec[]; skipped: SkippedService[] } {
  const specs: ServiceSpec[] = [];
  const skipped: SkippedService[] = [];
  for (const spec of serviceSpecs(cfg.root)) {
    if (!cfg.services.includes(spec.name)) continue;
    const state = availability(spec);
    if (state !== 'ready') {
      const reason =
        state === 'absent' ? `apps/${spec.name} does not exist yet` : `not built (run "make build")`;
      skipped.push({ name: spec.name, reason });
      events.add('runner', `${spec.name} skipped: ${reason}`, { service: spec.name });
      continue;
    }
    specs.push(spec);
  }
  return { specs, skipped };
}

/**
 * Schema, demo catalog and admin account, before any replica serves. Returns the services
 * without a migrate command (they migrate at start, so their first replica must go alone).
 */
export async function bootstrapData(
  specs: ReadonlyMap<ServiceName, ServiceSpec>,
  ctx: BootstrapContext,
  freshCluster: boolean,
  onProgress: (line: string) => void,
): Promise<{ migratesAtStart: Set<ServiceName>; admin?: AdminCredentials }> {
  onProgress(`migrations: ${[...specs.keys()].join(', ')}`);
  const names = [...specs.keys()];
  const migrated = await Promise.all(names.map((name) => migrate(specs.get(name)!, ctx)));
  const migratesAtStart = new Set(names.filter((_, i) => migrated[i] === 'at-start'));
  const product = specs.get('product-service');
  const user = specs.get('user-service');
  const [catalog, admin] = await Promise.all([
    product ? seedCatalogOnce(product, ctx, 300) : 'no product-service: no catalog',
    user ? ensureAdmin(user, ctx, freshCluster) : { admin: undefined, note: 'no user-service: no admin' },
  ]);
  onProgress(`catalog: ${catalog}; ${admin.note}`);
  return { migratesAtStart, admin: admin.admin ?? readAdmin(ctx.dataDir) };
}
