import { apiClient, expectProblem, sql } from '@ha-shop/testkit';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startUserService, STRONG_PASSWORD, uniqueEmail, UserServiceHandle } from './support';

describe('registration and sessions', () => {
  let h: UserServiceHandle;

  beforeAll(async () => {
    h = await startUserService({ JWT_ISSUER: 'https://issuer.test', JWT_AUDIENCE: 'ha-shop-test' });
    console.log(`user-service in-process startup (fresh database, migrations, first key): ${h.startupMs} ms`);
  });
  afterAll(() => h.svc.shutdown());

  it('serves liveness and readiness', async () => {
    expect((await h.api.get('/health/live')).status).toBe(200);
    expect((await h.api.get('/health/ready')).status).toBe(200);
  });

  it('register → login → me → refresh → reuse detection → logout', async () => {
    const email = uniqueEmail('flow');
    const reg = await h.api.post('/users', {
      email: `  ${email.toUpperCase()} `,
      password: STRONG_PASSWORD,
      name: ' Ada ',
    });
    expect(reg.status).toBe(201);
    expect(reg.body).toEqual({
      id: expect.any(String),
      email,
      name: 'Ada',
      roles: ['customer'],
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(reg.body)).not.toMatch(/argon2|password/i);

    const login = await h.api.post('/auth/login', { email: email.toUpperCase(), password: STRONG_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toBe('no-store');
    expect(login.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    expect(login.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const header = decodeProtectedHeader(login.body.accessToken);
    const claims = decodeJwt(login.body.accessToken);
    expect(header).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
    expect(claims).toMatchObject({
      sub: reg.body.id,
      email,
      roles: ['customer'],
      iss: 'https://issuer.test',
      aud: 'ha-shop-test',
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);

    const me = await h.api.get('/users/me', { token: login.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: reg.body.id, email, name: 'Ada', roles: ['customer'] });

    const first = await h.api.post('/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(login.body.refreshToken);
    expect((await h.api.get('/users/me', { token: first.body.accessToken })).status).toBe(200);

    const second = await h.api.post('/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(second.status).toBe(200);
    const newest = second.body.refreshToken as string;

    // The first token of the family comes back: someone kept a copy. The whole family dies.
    const reuse = expectProblem(
      await h.api.post('/auth/refresh', { refreshToken: login.body.refreshToken }),
      401,
    );
    expect(reuse.detail).toMatch(/already used/);
    const afterReuse = expectProblem(await h.api.post('/auth/refresh', { refreshToken: newest }), 401);
    expect(afterReuse.detail).toMatch(/session has ended/);
    const [family] = await sql(h.db, `SELECT revoked_reason FROM refresh_token_family WHERE user_id = $1`, [
      reg.body.id,
    ]);
    expect(family.revoked_reason).toBe('reuse');

    // A new sign-in is a new family; logout ends it, and says 204 however often it is asked.
    const again = await h.api.post('/auth/login', { email, password: STRONG_PASSWORD });
    expect(again.status).toBe(200);
    expect((await h.api.post('/auth/logout', { refreshToken: again.body.refreshToken })).status).toBe(204);
    expect((await h.api.post('/auth/logout', { refreshToken: again.body.refreshToken })).status).toBe(204);
    expectProblem(await h.api.post('/auth/refresh', { refreshToken: again.body.refreshToken }), 401);
    expect((await h.api.post('/auth/logout', { refreshToken: 'A'.repeat(43) })).status).toBe(204);
  });

  it('stores refresh tokens only as SHA-256 hashes, and passwords only as argon2id', async () => {
    const user = await signUp(h.api);
    const rows = await sql<{ token_hash: Buffer }>(
      h.db,
      'SELECT token_hash FROM refresh_token WHERE user_id = $1',
      [user.id],
    );
    expect(rows).toHaveLength(1);
    const expected = (await import('node:crypto')).createHash('sha256').update(user.refreshToken).digest();
    expect(Buffer.compare(rows[0].token_hash, expected)).toBe(0);
    const [u] = await sql<{ password_hash: string }>(
      h.db,
      'SELECT password_hash FROM app_user WHERE id = $1',
      [user.id],
    );
    expect(u.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('refreshes and signs out even when the client still sends its expired access token', async () => {
    const user = await signUp(h.api);
    const stale = { headers: { authorization: `Bearer ${user.accessToken}x` } };
    const refreshed = await h.api.post('/auth/refresh', { refreshToken: user.refreshToken }, stale);
    expect(refreshed.status).toBe(200);
    expect(
      (await h.api.post('/auth/login', { email: user.email, password: STRONG_PASSWORD }, stale)).status,
    ).toBe(200);
    expect(
      (await h.api.post('/auth/logout', { refreshToken: refreshed.body.refreshToken }, stale)).status,
    ).toBe(204);
    expect((await h.api.get('/.well-known/jwks.json', stale)).status).toBe(200);
    // Routes that use the caller still refuse it.
    expectProblem(await h.api.get('/users/me', stale), 401);
  });

  it('lets only one of two concurrent refreshes with the same token through, and treats the other as reuse', async () => {
    const user = await signUp(h.api);
    const results = await Promise.all(
      [1, 2].map(() => h.api.post('/auth/refresh', { refreshToken: user.refreshToken })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.status === 200)!;
    expectProblem(await h.api.post('/auth/refresh', { refreshToken: winner.body.refreshToken }), 401);
    const rows = await sql(h.db, 'SELECT count(*)::int AS n FROM refresh_token WHERE user_id = $1', [
      user.id,
    ]);
    expect(rows[0].n).toBe(2);
  });

  it('rejects an expired refresh token', async () => {
    const user = await signUp(h.api);
    await sql(h.db, `UPDATE refresh_token SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
      user.id,
    ]);
    const body = expectProblem(await h.api.post('/auth/refresh', { refreshToken: user.refreshToken }), 401);
    expect(body.detail).toMatch(/expired/);
  });

  it('answers a duplicate email, in any case, with 409', async () => {
    const email = uniqueEmail('dup');
    expect((await h.api.post('/users', { email, password: STRONG_PASSWORD, name: 'One' })).status).toBe(201);
    const dup = expectProblem(
      await h.api.post('/users', { email: email.toUpperCase(), password: STRONG_PASSWORD, name: 'Two' }),
      409,
    );
    expect(dup.type).toBe('https://ha-shop.dev/problems/email-taken');
  });

  it('refuses weak passwords and states the policy', async () => {
    const email = uniqueEmail('weak');
    for (const password of [
      'short',
      'x'.repeat(129),
      'password1234',
      'PASSWORD1234',
      email,
      'aaaaaaaaaaaaaa',
    ]) {
      const body = expectProblem(await h.api.post('/users', { email, password, name: 'Weak' }), 400);
      expect(body.type).toBe('https://ha-shop.dev/problems/weak-password');
      expect(body.detail).toBe(
        "Passwords must be 12 to 128 characters long, must not be the account's email address, and must not be a commonly used password.",
      );
    }
    const rows = await sql(h.db, 'SELECT 1 FROM app_user WHERE email = $1', [email]);
    expect(rows).toHaveLength(0);
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const user = await signUp(h.api);
    const unknown = await h.api.post('/auth/login', {
      email: uniqueEmail('nobody'),
      password: STRONG_PASSWORD,
    });
    const wrong = await h.api.post('/auth/login', { email: user.email, password: 'not-the-right-password' });
    expectProblem(unknown, 401);
    expect(wrong.status).toBe(unknown.status);
    expect(wrong.body).toEqual(unknown.body);
    expect(unknown.body.detail).toBe('invalid email or password');
    expect(wrong.headers.get('www-authenticate')).toBe(unknown.headers.get('www-authenticate'));
  });

  it('writes user.registered and user.logged_in to the outbox feed', async () => {
    const user = await signUp(h.api);
    const feed = await h.api.get('/events?after=0&limit=1000');
    expect(feed.status).toBe(200);
    const mine = (
      feed.body.events as Array<{ type: string; aggregateId: string; payload: Record<string, unknown> }>
    ).filter((e) => e.aggregateId === user.id);
    expect(mine.map((e) => e.type)).toEqual(['user.registered', 'user.logged_in']);
    expect(mine[1].payload).toEqual({ userId: user.id });
    expect(JSON.stringify(mine)).not.toContain(user.email);
  });

  it('serves its OpenAPI document', async () => {
    const doc = await apiClient(h.svc.url).get('/docs/json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/users',
        '/users/me',
        '/auth/login',
        '/auth/refresh',
        '/auth/logout',
        '/.well-known/jwks.json',
      ]),
    );
  });
});
