// Writes values.schema.json of every ha-shop chart (node charts/schema/generate.mjs);
// `--check` fails if a committed schema differs from what this would write.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { storefrontSchema } from './storefront-schema.mjs';
import { umbrellaSchema } from './umbrella-schema.mjs';
import { bool, int, obj, shopProperties, str, workloadSchema } from './workload-schema.mjs';

const charts = join(dirname(fileURLToPath(import.meta.url)), '..');
const num = (minimum, maximum) => ({ type: 'number', minimum, maximum });

// The plain settings of each service's env class (apps/<svc>/src/config/*.env.ts), with its bounds.
const common = { JWT_ISSUER: str, JWT_AUDIENCE: str, HEALTH_MAX_HEAP_BYTES: int(1), TRUSTED_PROXIES: str };
export const SERVICE_CONFIG = {
  'product-service': {
    RESERVATION_TTL_SECONDS: int(1, 86_400),
    SWEEPER_INTERVAL_MS: int(50, 3_600_000),
    SWEEPER_BATCH_SIZE: int(1, 10_000),
    SEARCH_SIMILARITY_THRESHOLD: num(0.05, 1),
    DB_POOL_SIZE: int(1, 100),
    CATALOG_CACHE_FRESH_MS: int(0, 3_600_000),
    CATALOG_CACHE_STALE_MS: int(0, 86_400_000),
    CATALOG_CACHE_DB_TIMEOUT_MS: int(50, 30_000),
    CATALOG_CACHE_MAX_ENTRIES: int(1, 1_000_000),
    CATALOG_CACHE_MAX_BYTES: int(1024, 1024 * 1024 * 1024),
  },
  'user-service': {
    ACCESS_TOKEN_TTL_SECONDS: int(30, 86_400),
    REFRESH_TOKEN_TTL_SECONDS: int(60, 90 * 86_400),
    LOGIN_RATE_LIMIT_PER_MINUTE: int(0),
    LOGIN_IP_RATE_LIMIT_PER_MINUTE: int(0),
    REGISTER_IP_RATE_LIMIT_PER_MINUTE: int(0),
    JWT_KEY_ID: { type: 'string', maxLength: 64 },
    SIGNING_KEY_RELOAD_SECONDS: int(1),
  },
  'checkout-service': {
    CHECKOUT_DEADLINE_MS: int(500, 60_000),
    CART_PRICE_DEADLINE_MS: int(100, 30_000),
    PAYMENT_RETRY_WORKER_ENABLED: bool,
    PAYMENT_RETRY_INTERVAL_MS: int(20, 3_600_000),
    PAYMENT_RETRY_BASE_MS: int(10, 3_600_000),
    PAYMENT_RETRY_MAX_BACKOFF_MS: int(10, 3_600_000),
    PAYMENT_RETRY_DEADLINE_MS: int(100, 86_400_000),
    PAYMENT_RETRY_BATCH_SIZE: int(1, 1000),
    RESERVATION_TTL_MARGIN_SECONDS: int(0, 86_400),
    IDEMPOTENCY_WAIT_MS: int(0, 30_000),
    IDEMPOTENCY_RETENTION_HOURS: int(1, 24 * 365),
    DB_POOL_SIZE: int(1, 200),
  },
  'payment-service': {
    PAYMENT_LATENCY_MS: int(0, 60_000),
    PAYMENT_DECLINE_RATE: num(0, 1),
    PAYMENT_OUTAGE_RATE: num(0, 1),
    IDEMPOTENCY_KEY_TTL_SECONDS: int(1),
    IDEMPOTENCY_LOCK_TIMEOUT_MS: int(1000),
    IDEMPOTENCY_CLEANUP_INTERVAL_MS: int(1000),
  },
  'analytics-service': {
    FEED_POLL_INTERVAL_MS: int(50),
    FEED_BATCH_SIZE: int(1, 1000),
  },
};

export function serviceSchema(name) {
  return workloadSchema(`${name} values`, {
    ...shopProperties,
    config: obj({ ...common, ...SERVICE_CONFIG[name] }),
  });
}

export function librarySchema() {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'ha-shop-lib (no values)',
    ...obj({ global: { type: 'object' } }),
  };
}

// Formatted as `prettier --check .` (make lint) expects the committed files.
async function render(schema, file) {
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(JSON.stringify(schema), { ...options, filepath: file });
}

const outputs = {
  'ha-shop-lib/values.schema.json': librarySchema(),
  'ha-shop/values.schema.json': umbrellaSchema(Object.keys(SERVICE_CONFIG)),
  'storefront/values.schema.json': storefrontSchema(),
  ...Object.fromEntries(
    Object.keys(SERVICE_CONFIG).map((s) => [`${s}/values.schema.json`, serviceSchema(s)]),
  ),
};

const check = process.argv.includes('--check');
const stale = [];
for (const [rel, schema] of Object.entries(outputs)) {
  const file = join(charts, rel);
  const text = await render(schema, file);
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current === text) continue;
  if (check) stale.push(rel);
  else writeFileSync(file, text);
}
if (stale.length) {
  console.error(`stale values.schema.json (run make charts-generate): ${stale.join(', ')}`);
  process.exit(1);
}
