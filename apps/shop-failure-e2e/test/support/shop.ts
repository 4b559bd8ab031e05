// The shop as real processes on loopback: one embedded PostgreSQL (in a temp dir, so a test can
// stop and start it) with a database per service, and each service as `node dist/main.js`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@ha-shop/os-process';
import { apiClient, ApiClient, LocalPostgres, sql, startLocalPostgres, TestIssuer } from '@ha-shop/testkit';
import { REPO_ROOT, ServiceName, ServiceProcess } from './service-process';

export interface ShopOptions {
  services: ServiceName[];
  /** Extra environment per service (resilience overrides, deadlines, drain times). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** fsync and synchronous commits on: for tests that claim no committed write is lost. */
  durable?: boolean;
}

export const databaseOf = (name: ServiceName) => name.replace(/-/g, '_');

export class Shop {
  readonly services = new Map<ServiceName, ServiceProcess>();
  /** More processes of a service, started by a test (another replica with other settings). */
  readonly extras: ServiceProcess[] = [];
  readonly secrets = {
    INTERNAL_TOKEN: randomBytes(16).toString('hex'),
    FAULT_INJECTION_SECRET: randomBytes(16).toString('hex'),
    // user-service refuses to start in production without it; the others ignore it.
    JWT_KEY_ENCRYPTION_SECRET: randomBytes(32).toString('base64url'),
  };
  private issuer?: TestIssuer;
  private adminTokenCache?: string;

  private constructor(
    readonly dir: string,
    readonly pg: LocalPostgres,
  ) {}

  /** Starts PostgreSQL and every service in `options.services` (in parallel), each ready. */
  static async start(options: ShopOptions): Promise<Shop> {
    // Under the OS temp dir: when the tests run as root, PostgreSQL runs as `postgres` and must write there.
    const dir = mkdtempSync(join(tmpdir(), 'ha-shop-e2e-'));
    chmodSync(dir, 0o711);
    const pg = await startLocalPostgres({ dataDir: join(dir, 'pg'), fast: !options.durable });
    const shop = new Shop(dir, pg);
    try {
      await shop.init(options);
    } catch (err) {
      await shop.close();
      throw err;
    }
    return shop;
  }

  private async init(options: ShopOptions): Promise<void> {
    for (const name of options.services) await sql(this.pg.adminUrl, `CREATE DATABASE ${databaseOf(name)}`);
    const ports = new Map<ServiceName, number>();
    for (const name of options.services) ports.set(name, await freePort());
    const url = (name: ServiceName) => `http://127.0.0.1:${ports.get(name)}`;
    let jwksUrl: string;
    if (ports.has('user-service')) {
      jwksUrl = `${url('user-service')}/.well-known/jwks.json`;
    } else {
      this.issuer = await TestIssuer.start();
      jwksUrl = this.issuer.jwksUrl;
    }
    for (const name of options.services) {
      const env: Record<string, string> = {
        NODE_ENV: 'production',
        LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
        DATABASE_URL: this.pg.urlFor(databaseOf(name)),
        JWKS_URL: jwksUrl,
        ...this.secrets,
        SHUTDOWN_DRAIN_MS: '200',
        SHUTDOWN_GRACE_MS: '10000',
      };
      if (name === 'checkout-service') {
        env.PRODUCT_SERVICE_URL = url('product-service');
        env.PAYMENT_SERVICE_URL = url('payment-service');
        env.PAYMENT_DATA_KEY = randomBytes(32).toString('base64');
      }
      if (name === 'user-service') {
        env.REGISTER_IP_RATE_LIMIT_PER_MINUTE = '0';
        env.LOGIN_IP_RATE_LIMIT_PER_MINUTE = '0';
      }
      if (name === 'analytics-service') {
        env.FEED_SOURCES = options.services
          .filter((s) => s !== 'analytics-service')
          .map((s) => `${s}=${url(s)}`)
          .join(',');
      }
      this.services.set(
        name,
        new ServiceProcess(name, ports.get(name)!, { ...env, ...options.env?.[name] }, this.dir),
      );
    }
    await Promise.all([...this.services.values()].map((s) => s.start()));
  }

  svc(name: ServiceName): ServiceProcess {
    const s = this.services.get(name);
    if (!s) throw new Error(`${name} is not part of this shop`);
    return s;
  }

  /** Starts another process of `name` (same database and neighbours) with `env` on top; stopped by close(). */
  async startExtra(name: ServiceName, id: string, env: Record<string, string>): Promise<ServiceProcess> {
    const base = this.svc(name);
    const extra = new ServiceProcess(name, await freePort(), { ...base.env, ...env }, this.dir, id);
    this.extras.push(extra);
    await extra.start();
    return extra;
  }

  api(name: ServiceName): ApiClient {
    return apiClient(this.svc(name).url);
  }

  sql<T = Record<string, unknown>>(name: ServiceName, text: string, params: unknown[] = []): Promise<T[]> {
    return sql<T>(this.pg.urlFor(databaseOf(name)), text, params);
  }

  /** An admin's access token: from user-service when it runs (create-admin, then login), else the test issuer. */
  async adminToken(): Promise<string> {
    if (this.adminTokenCache) return this.adminTokenCache;
    if (this.issuer) return (this.adminTokenCache = await this.issuer.adminToken());
    const email = 'admin@e2e.ha-shop.dev';
    const password = randomBytes(18).toString('base64url');
    await runNode(join(REPO_ROOT, 'apps/user-service/dist/create-admin.js'), {
      ...this.svc('user-service').env,
      ADMIN_EMAIL: email,
      ADMIN_PASSWORD: password,
    });
    return (this.adminTokenCache = await this.login(email, password));
  }

  /** A signed-in customer: registered at user-service, or minted by the test issuer. */
  async customer(): Promise<{ token: string; email: string }> {
    const email = `shopper-${randomBytes(4).toString('hex')}@e2e.ha-shop.dev`;
    if (this.issuer) return { token: await this.issuer.token({ email, roles: ['customer'] }), email };
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const res = await this.api('user-service').post('/users', { email, password, name: 'E2E Shopper' });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
    return { token: await this.login(email, password), email };
  }

  private async login(email: string, password: string): Promise<string> {
    const res = await this.api('user-service').post('/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken as string;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.extras, ...this.services.values()].map((s) => s.stop(5000)));
    await this.pg.stop().catch(() => undefined);
    await this.issuer?.close();
    if (process.env.E2E_KEEP) console.log(`shop-failure-e2e: logs and data kept in ${this.dir}`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}

function runNode(script: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'pipe',
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${script} exited ${code}: ${output}`)),
    );
  });
}
