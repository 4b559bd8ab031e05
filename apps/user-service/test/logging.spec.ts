import { REDACT_PATHS } from '@ha-shop/service-kit';
import { sql } from '@ha-shop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUserService, STRONG_PASSWORD, uniqueEmail, UserServiceHandle } from './support';

describe('logs carry no secrets', () => {
  let h: UserServiceHandle;
  const lines: string[] = [];
  const originalWrite = process.stdout.write.bind(process.stdout);

  beforeAll(async () => {
    // pino writes to process.stdout itself (not fd 1) once stdout.write has been replaced,
    // so replacing it before boot captures every line the service logs.
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
    h = await startUserService({ LOG_LEVEL: 'debug' });
  });
  afterAll(async () => {
    await h?.svc.shutdown();
    process.stdout.write = originalWrite;
  });

  it('logs requests, failures and reuse without passwords, hashes or tokens', async () => {
    const email = uniqueEmail('logs');
    const secrets: string[] = [STRONG_PASSWORD, 'wrong-password-secret'];
    await h.api.post('/users', { email, password: STRONG_PASSWORD, name: 'Logged' });
    await h.api.post('/users', { email: uniqueEmail(), password: 'password1234', name: 'Weak' });
    secrets.push('password1234');
    await h.api.post('/auth/login', { email, password: 'wrong-password-secret' });
    const login = await h.api.post('/auth/login', { email, password: STRONG_PASSWORD });
    const { accessToken, refreshToken } = login.body as { accessToken: string; refreshToken: string };
    const refreshed = await h.api.post('/auth/refresh', { refreshToken });
    secrets.push(accessToken, refreshToken, refreshed.body.accessToken, refreshed.body.refreshToken);
    await h.api.post('/auth/refresh', { refreshToken }); // reuse: logged as a warning
    await h.api.get('/users/me', { token: accessToken });
    await h.api.get('/users/me', { token: `${accessToken}x` });
    await h.api.post('/auth/logout', { refreshToken: refreshed.body.refreshToken });
    await h.api.request('POST', '/auth/login', {
      rawBody: `{"email":"${email}","password":"${STRONG_PASSWORD}"`,
    });

    const [{ password_hash: hash }] = await sql<{ password_hash: string }>(
      h.db,
      'SELECT password_hash FROM app_user WHERE email = $1',
      [email],
    );
    secrets.push(hash, hash.split('$').at(-1)!);

    const output = lines.join('');
    const records = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // The capture works: request logs and the reuse warning are there.
    expect(records.filter((r) => r.service === 'user-service' && r.res).length).toBeGreaterThanOrEqual(8);
    expect(records.some((r) => r.msg === 'refresh token reused; session revoked' && r.userId)).toBe(true);
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(output).not.toContain('$argon2id$');
    expect(output).not.toMatch(/PRIVATE KEY/);
  });

  it('relies on the shared redaction paths for the fields that carry secrets', () => {
    expect(REDACT_PATHS).toEqual(
      expect.arrayContaining([
        'req.headers.authorization',
        '*.password',
        '*.refreshToken',
        '*.accessToken',
        '*.token',
      ]),
    );
  });
});
