import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceSpec } from './services';
import { runNodeScript } from './supervisor/commands';

export interface AdminCredentials {
  email: string;
  password: string;
  createdAt: string;
}

export interface BootstrapContext {
  dataDir: string;
  logDir: string;
  /** The environment the service's replicas get (DATABASE_URL and so on). */
  envFor(spec: ServiceSpec): Record<string, string>;
}

const SEED_MARKER = 'seeded.json';
const ADMIN_FILE = 'admin.json';

/** A freshly initialised cluster has none of what the markers say was done. */
export function forgetSeeding(dataDir: string): void {
  rmSync(join(dataDir, SEED_MARKER), { force: true });
}

/** Schema first, with each service's own `migrate` command, so replicas never race to migrate. */
export async function migrate(spec: ServiceSpec, ctx: BootstrapContext): Promise<'migrated' | 'at-start'> {
  if (!existsSync(spec.migrateJs)) return 'at-start';
  const res = await runNodeScript(spec.migrateJs, {
    cwd: spec.appDir,
    env: ctx.envFor(spec),
    logFile: join(ctx.logDir, `${spec.name}-migrate.log`),
  });
  if (res.code !== 0) throw new Error(`${spec.name} migrations failed (exit ${res.code}):\n${res.tail}`);
  return 'migrated';
}

/** The demo catalog, once per cluster (product-service's `seed` command; it is idempotent anyway). */
export async function seedCatalogOnce(
  spec: ServiceSpec,
  ctx: BootstrapContext,
  products: number,
): Promise<string> {
  const marker = join(ctx.dataDir, SEED_MARKER);
  if (existsSync(marker)) return 'catalog already seeded';
  const script = join(spec.appDir, 'dist', 'seed.js');
  if (!existsSync(script)) return 'product-service has no seed command yet: catalog not seeded';
  const res = await runNodeScript(script, {
    cwd: spec.appDir,
    env: { ...ctx.envFor(spec), SEED_PRODUCTS: String(products), SEED: '1' },
    logFile: join(ctx.logDir, `${spec.name}-seed.log`),
  });
  if (res.code !== 0) throw new Error(`catalog seed failed (exit ${res.code}):\n${res.tail}`);
  writeFileSync(
    marker,
    JSON.stringify({ at: new Date().toISOString(), output: res.tail.split('\n').pop() }) + '\n',
  );
  return res.tail.split('\n').pop() ?? 'seeded';
}

/**
 * The admin account: credentials generated once into `<data-dir>/admin.json` (0600,
 * git-ignored like the whole folder); user-service's `create-admin` upserts it, so
 * running it again after a reset is harmless.
 */
export async function ensureAdmin(
  spec: ServiceSpec,
  ctx: BootstrapContext,
  force: boolean,
): Promise<{ admin?: AdminCredentials; note: string }> {
  const file = join(ctx.dataDir, ADMIN_FILE);
  const existing = readAdmin(ctx.dataDir);
  if (existing && !force) return { admin: existing, note: 'admin account exists' };
  const script = join(spec.appDir, 'dist', 'create-admin.js');
  if (!existsSync(script)) return { note: 'user-service has no create-admin command yet: no admin account' };
  const admin: AdminCredentials = existing ?? {
    email: 'admin@demo.ha-shop.dev',
    password: randomBytes(18).toString('base64url'),
    createdAt: new Date().toISOString(),
  };
  const res = await runNodeScript(script, {
    cwd: spec.appDir,
    // The password goes by environment, never argv (visible in ps).
    env: {
      ...ctx.envFor(spec),
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      ADMIN_NAME: 'Demo Admin',
    },
    logFile: join(ctx.logDir, `${spec.name}-create-admin.log`),
  });
  if (res.code !== 0) throw new Error(`create-admin failed (exit ${res.code}):\n${res.tail}`);
  writeFileSync(file, JSON.stringify(admin, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return { admin, note: existing ? 'admin account re-created' : 'admin account created' };
}

export function readAdmin(dataDir: string): AdminCredentials | undefined {
  const file = join(dataDir, ADMIN_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as AdminCredentials) : undefined;
}
