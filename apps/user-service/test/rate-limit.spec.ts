import { createTestDatabase, expectProblem } from '@ha-shop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startUserService, STRONG_PASSWORD, uniqueEmail, UserServiceHandle } from './support';

const ip = (n: number) => ({ headers: { 'x-forwarded-for': `198.51.100.${n}` } });

function expectRateLimited(res: Parameters<typeof expectProblem>[0]) {
  const body = expectProblem(res, 429);
  expect(body.type).toBe('https://ha-shop.dev/problems/rate-limited');
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  return body;
}

describe('login rate limits', () => {
  let a: UserServiceHandle;
  let b: UserServiceHandle;

  beforeAll(async () => {
    const db = await createTestDatabase('limits');
    const env = {
      LOGIN_RATE_LIMIT_PER_MINUTE: '3',
      LOGIN_IP_RATE_LIMIT_PER_MINUTE: '4',
      REGISTER_IP_RATE_LIMIT_PER_MINUTE: '3',
    };
    // Two replicas on one database: the counters must be shared, not per process.
    a = await startUserService(env, db);
    b = await startUserService(env, db);
  });
  afterAll(() => Promise.all([a.svc.shutdown(), b.svc.shutdown()]));

  it('limits attempts per account, whatever the IP, replica or letter case', async () => {
    const victim = await signUp(a.api, { ip: '203.0.113.1' });
    const other = await signUp(a.api, { ip: '203.0.113.2' });
    // One attempt was the sign-up's own login; two more wrong guesses from elsewhere, on both replicas.
    expectProblem(
      await a.api.post('/auth/login', { email: victim.email, password: 'wrong-password-1' }, ip(1)),
      401,
    );
    expectProblem(
      await b.api.post(
        '/auth/login',
        { email: victim.email.toUpperCase(), password: 'wrong-password-2' },
        ip(2),
      ),
      401,
    );
    // Over the limit: refused before the password is even checked, so the right one fails too.
    expectRateLimited(
      await b.api.post('/auth/login', { email: ` ${victim.email} `, password: STRONG_PASSWORD }, ip(3)),
    );
    expectRateLimited(
      await a.api.post('/auth/login', { email: victim.email, password: STRONG_PASSWORD }, ip(4)),
    );
    // Someone else's account is unaffected.
    expect(
      (await a.api.post('/auth/login', { email: other.email, password: STRONG_PASSWORD }, ip(5))).status,
    ).toBe(200);
  });

  it('limits attempts per client IP across accounts', async () => {
    const from = ip(77);
    for (let i = 0; i < 4; i++) {
      const res = await (i % 2 ? a : b).api.post(
        '/auth/login',
        { email: uniqueEmail('spray'), password: STRONG_PASSWORD },
        from,
      );
      expectProblem(res, 401);
    }
    const limited = expectRateLimited(
      await a.api.post('/auth/login', { email: uniqueEmail('spray'), password: STRONG_PASSWORD }, from),
    );
    expect(limited.detail).toMatch(/retry in \d+ seconds/);
    // Invalid bodies count too (the limit comes before validation)...
    expectRateLimited(await a.api.post('/auth/login', { email: 42 }, from));
    // ...and another address is unaffected.
    expectProblem(
      await a.api.post('/auth/login', { email: uniqueEmail('spray'), password: STRONG_PASSWORD }, ip(78)),
      401,
    );
  });

  it('limits registrations per client IP', async () => {
    const from = ip(90);
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await a.api.post(
            '/users',
            { email: uniqueEmail('reg'), password: STRONG_PASSWORD, name: 'R' },
            from,
          )
        ).status,
      ).toBe(201);
    }
    expectRateLimited(
      await b.api.post('/users', { email: uniqueEmail('reg'), password: STRONG_PASSWORD, name: 'R' }, from),
    );
    expect(
      (
        await b.api.post(
          '/users',
          { email: uniqueEmail('reg'), password: STRONG_PASSWORD, name: 'R' },
          ip(91),
        )
      ).status,
    ).toBe(201);
  });

  it('can be switched off with 0', async () => {
    const h = await startUserService({
      LOGIN_RATE_LIMIT_PER_MINUTE: '0',
      LOGIN_IP_RATE_LIMIT_PER_MINUTE: '0',
    });
    try {
      const user = await signUp(h.api);
      for (let i = 0; i < 12; i++) {
        expectProblem(
          await h.api.post('/auth/login', { email: user.email, password: `wrong-password-${i}` }),
          401,
        );
      }
      expect((await h.api.post('/auth/login', { email: user.email, password: STRONG_PASSWORD })).status).toBe(
        200,
      );
    } finally {
      await h.svc.shutdown();
    }
  });
});
