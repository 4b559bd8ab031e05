import { RunningService } from '@ha-shop/service-kit';
import { apiClient, ApiClient, bootService, createTestDatabase, testEnv } from '@ha-shop/testkit';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../src/app.module';

export const STRONG_PASSWORD = 'correct-Horse-battery-9';

export interface UserServiceHandle {
  svc: RunningService;
  api: ApiClient;
  db: string;
  /** Milliseconds from module creation to listening. */
  startupMs: number;
}

/** Boots user-service in-process on a (fresh, unless given) database. */
export async function startUserService(
  env: Record<string, string> = {},
  db?: string,
): Promise<UserServiceHandle> {
  const url = db ?? (await createTestDatabase('users'));
  const started = performance.now();
  const svc = await bootService(AppModule.forRoot(testEnv({ DATABASE_URL: url, ...env })), 'user-service');
  return { svc, api: apiClient(svc.url), db: url, startupMs: Math.round(performance.now() - started) };
}

export function uniqueEmail(tag = 'user'): string {
  return `${tag}-${randomUUID().slice(0, 8)}@example.test`;
}

export interface SignedIn {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

/** Registers and signs in a fresh customer. `ip` spreads logins over per-IP limits. */
export async function signUp(api: ApiClient, opts: { email?: string; ip?: string } = {}): Promise<SignedIn> {
  const email = opts.email ?? uniqueEmail();
  const headers = opts.ip ? { 'x-forwarded-for': opts.ip } : undefined;
  const reg = await api.post('/users', { email, password: STRONG_PASSWORD, name: 'Test User' }, { headers });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  const login = await api.post('/auth/login', { email, password: STRONG_PASSWORD }, { headers });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return {
    id: reg.body.id,
    email,
    accessToken: login.body.accessToken,
    refreshToken: login.body.refreshToken,
  };
}
