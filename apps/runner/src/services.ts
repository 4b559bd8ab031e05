import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The shop's services in start order; the position fixes each one's port block. */
export const SERVICE_NAMES = [
  'product-service',
  'user-service',
  'checkout-service',
  'payment-service',
  'analytics-service',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * Node flags every service replica runs with, here and in the pods: the Dockerfile's
 * NODE_OPTIONS repeats them (k8s/test/node-flags.spec.ts keeps the two equal, so each flag
 * must be one node accepts in NODE_OPTIONS). Measured in docs/performance.md "Memory":
 * - 4 MB semi-spaces: V8's default young generation (16 MB semi-spaces, 32 MB committed once
 *   warm) was a fifth of an idle replica's RSS; 1-2 MB saved a few MB more but cost CPU.
 * - a 256 MB old generation: V8 grows the old generation by a smaller factor when its limit
 *   is small, so peaks under load fell from 165-195 MB to about 130 MB (128 MB gave the same)
 *   for a few hundredths of a ms of GC per request. The live heap (about 45 MB) stays far
 *   below the limit, so a burst does not end in an out-of-memory crash.
 */
export const REPLICA_NODE_ARGS: readonly string[] = ['--max-semi-space-size=4', '--max-old-space-size=256'];

export interface ServiceSpec {
  name: ServiceName;
  /** Position in SERVICE_NAMES, 1-based: the service's port block is basePort + 10 * index. */
  index: number;
  database: string;
  /** `<NAME>_SERVICE_URL`, the variable other services find it by. */
  urlVariable: string;
  appDir: string;
  mainJs: string;
  migrateJs: string;
}

export function serviceSpecs(root: string): ServiceSpec[] {
  return SERVICE_NAMES.map((name, i) => {
    const appDir = join(root, 'apps', name);
    return {
      name,
      index: i + 1,
      database: name.replace(/-/g, '_'),
      urlVariable: `${name.replace(/-service$/, '').toUpperCase()}_SERVICE_URL`,
      appDir,
      mainJs: join(appDir, 'dist', 'main.js'),
      migrateJs: join(appDir, 'dist', 'migrate.js'),
    };
  });
}

/** Whether a service can run: its folder may not exist yet, or not be built. */
export function availability(spec: ServiceSpec): 'ready' | 'absent' | 'not-built' {
  if (!existsSync(join(spec.appDir, 'package.json'))) return 'absent';
  return existsSync(spec.mainJs) ? 'ready' : 'not-built';
}

/**
 * The public API under `/api`: which service owns a path. Only these prefixes are
 * routed; internal routes (`/internal/*`, `/events`, the fault switch) never are.
 */
const PUBLIC_ROUTES: Array<{ pattern: RegExp; service: ServiceName }> = [
  { pattern: /^\/products(?:\/|$)/, service: 'product-service' },
  { pattern: /^\/categories(?:\/|$)/, service: 'product-service' },
  { pattern: /^\/search$/, service: 'product-service' },
  { pattern: /^\/admin\/users(?:\/|$)/, service: 'user-service' },
  { pattern: /^\/admin\/(?:products|categories|variants)(?:\/|$)/, service: 'product-service' },
  { pattern: /^\/admin\/orders(?:\/|$)/, service: 'checkout-service' },
  { pattern: /^\/users(?:\/|$)/, service: 'user-service' },
  { pattern: /^\/auth\//, service: 'user-service' },
  { pattern: /^\/\.well-known\/jwks\.json$/, service: 'user-service' },
  { pattern: /^\/carts(?:\/|$)/, service: 'checkout-service' },
  { pattern: /^\/checkout$/, service: 'checkout-service' },
  { pattern: /^\/orders(?:\/|$)/, service: 'checkout-service' },
  { pattern: /^\/analytics\//, service: 'analytics-service' },
];

/** Checked before the table, whatever a route prefix would say. */
const NEVER_ROUTED = [
  /(?:^|\/)(?:internal|faults)(?:\/|$)/i,
  /^\/events(?:\/|$)/i,
  // Anything a backend might normalise into another path: dot segments, empty segments, encoded separators.
  /\/\/|(?:^|\/)\.\.?(?:\/|$)|%2e|%2f|%5c|\\/i,
];

/** The owning service of a path below `/api` (query string excluded), or undefined. */
export function routeFor(path: string): ServiceName | undefined {
  if (NEVER_ROUTED.some((re) => re.test(path))) return undefined;
  return PUBLIC_ROUTES.find((r) => r.pattern.test(path))?.service;
}
