import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Generated once per data folder, so a restart keeps sessions, parked payments and the database password. */
export interface DemoSecrets {
  INTERNAL_TOKEN: string;
  FAULT_INJECTION_SECRET: string;
  /** 32 bytes, hex: checkout-service encrypts parked cards with it. */
  PAYMENT_DATA_KEY: string;
  /** user-service encrypts the signing keys it keeps in its database with it. */
  JWT_KEY_ENCRYPTION_SECRET: string;
  POSTGRES_PASSWORD: string;
}

const token = (bytes: number) => randomBytes(bytes).toString('base64url');

export function secretsFile(dataDir: string): string {
  return join(dataDir, 'secrets.json');
}

/** Reads `<dataDir>/secrets.json`, creating it (mode 0600) with fresh values on first start. */
export function loadOrCreateSecrets(dataDir: string): { secrets: DemoSecrets; created: boolean } {
  const file = secretsFile(dataDir);
  const fresh: DemoSecrets = {
    INTERNAL_TOKEN: token(32),
    FAULT_INJECTION_SECRET: token(32),
    PAYMENT_DATA_KEY: randomBytes(32).toString('hex'),
    JWT_KEY_ENCRYPTION_SECRET: token(48),
    POSTGRES_PASSWORD: token(24),
  };
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoSecrets>;
    // A secret added by a newer runner is generated; existing ones never change.
    const merged = { ...fresh, ...stored };
    if (Object.keys(merged).length !== Object.keys(stored).length) writeSecrets(file, merged);
    chmodSync(file, 0o600);
    return { secrets: merged, created: false };
  }
  writeSecrets(file, fresh);
  return { secrets: fresh, created: true };
}

/** For tools (chaos-demo, tests) that talk to a runner's data folder; undefined if there is none. */
export function readSecrets(dataDir: string): DemoSecrets | undefined {
  const file = secretsFile(dataDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoSecrets) : undefined;
}

function writeSecrets(file: string, secrets: DemoSecrets): void {
  writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}
