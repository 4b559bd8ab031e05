import { expectProblem } from '@ha-shop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, SignedIn, startUserService, UserServiceHandle } from './support';

const RAW_BODIES = [
  '{"email": ',
  '',
  'null',
  '[]',
  '"text"',
  '123',
  'true',
  '{"__proto__": {"admin": true}}',
  JSON.stringify({ x: 'a'.repeat(300_000) }),
];

const EMAILS: unknown[] = [
  123,
  null,
  ['a@b.test'],
  {},
  'not-an-email',
  `${'a'.repeat(250)}@example.test`,
  'a@b',
  '',
];

describe('bad input gets a 4xx problem, never a 500', () => {
  let h: UserServiceHandle;
  let user: SignedIn;
  let addressId: string;

  beforeAll(async () => {
    h = await startUserService({
      LOGIN_RATE_LIMIT_PER_MINUTE: '0',
      LOGIN_IP_RATE_LIMIT_PER_MINUTE: '0',
      REGISTER_IP_RATE_LIMIT_PER_MINUTE: '0',
    });
    user = await signUp(h.api);
    addressId = (
      await h.api.post(
        '/users/me/addresses',
        { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'DE' },
        { token: user.accessToken },
      )
    ).body.id;
  });
  afterAll(() => h.svc.shutdown());

  const expect4xx = (res: { status: number; headers: Headers; body: unknown }, what: string) => {
    expect(res.status, what).toBeGreaterThanOrEqual(400);
    expect(res.status, what).toBeLessThan(500);
    expectProblem(res as never, res.status);
  };

  const bodyRoutes = () => [
    { method: 'POST', path: '/users', token: undefined },
    { method: 'POST', path: '/auth/login', token: undefined },
    { method: 'POST', path: '/auth/refresh', token: undefined },
    { method: 'POST', path: '/auth/logout', token: undefined },
    { method: 'POST', path: '/users/me/addresses', token: user.accessToken },
    { method: 'PATCH', path: `/users/me/addresses/${addressId}`, token: user.accessToken },
  ];

  it('malformed, empty, non-object and oversized bodies on every body route', async () => {
    for (const route of bodyRoutes()) {
      for (const rawBody of RAW_BODIES) {
        const res = await h.api.request(route.method, route.path, { rawBody, token: route.token });
        expect4xx(res, `${route.method} ${route.path} ${rawBody.slice(0, 30)}`);
      }
      const plain = await h.api.request(route.method, route.path, {
        rawBody: 'a=b',
        token: route.token,
        headers: { 'content-type': 'text/plain' },
      });
      expect4xx(plain, `${route.path} text/plain`);
      const form = await h.api.request(route.method, route.path, {
        rawBody: 'a=b',
        token: route.token,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect4xx(form, `${route.path} form`);
    }
  });

  it('wrongly typed or out-of-bounds fields', async () => {
    for (const email of EMAILS) {
      expect4xx(
        await h.api.post('/users', { email, password: 'correct-Horse-battery-9', name: 'N' }),
        `register email ${String(email)}`,
      );
      expect4xx(
        await h.api.post('/auth/login', { email, password: 'correct-Horse-battery-9' }),
        `login email ${String(email)}`,
      );
    }
    for (const password of [null, 123, ['x'], { a: 1 }, 'x'.repeat(2000)]) {
      expect4xx(
        await h.api.post('/users', { email: 'p@example.test', password, name: 'N' }),
        `register password ${typeof password}`,
      );
      expect4xx(
        await h.api.post('/auth/login', { email: 'p@example.test', password }),
        `login password ${typeof password}`,
      );
    }
    for (const name of ['', ' ', 'x'.repeat(101), 5, null, 'tab\tname']) {
      expect4xx(
        await h.api.post('/users', { email: 'n@example.test', password: 'correct-Horse-battery-9', name }),
        `name ${String(name)}`,
      );
    }
    expect4xx(
      await h.api.post('/users', { email: 'n@example.test', password: 'correct-Horse-battery-9' }),
      'missing name',
    );
    expect4xx(
      await h.api.post('/auth/login', {
        email: user.email,
        password: 'correct-Horse-battery-9',
        remember: true,
      }),
      'extra field',
    );
    for (const refreshToken of [null, 1, '', 'short', 'A'.repeat(44), '!'.repeat(43), 'A'.repeat(100_000)]) {
      expect4xx(
        await h.api.post('/auth/refresh', { refreshToken }),
        `refresh ${String(refreshToken).slice(0, 10)}`,
      );
      expect4xx(
        await h.api.post('/auth/logout', { refreshToken }),
        `logout ${String(refreshToken).slice(0, 10)}`,
      );
    }
  });

  it('bad query strings, ids and tokens on the GET and DELETE routes', async () => {
    const admin = user.accessToken;
    for (const q of [
      '',
      '?email=',
      '?email=nope',
      '?email=a@b.test&email=c@d.test',
      '?email[]=a@b.test',
      `?email=${'a'.repeat(300)}@x.test`,
    ]) {
      expect4xx(await h.api.get(`/admin/users${q}`, { token: admin }), `admin ${q}`);
    }
    for (const id of ['x', '123', '00000000-0000-0000-0000-00000000000g', '%00', 'a'.repeat(500)]) {
      expect4xx(await h.api.delete(`/users/me/addresses/${id}`, { token: user.accessToken }), `delete ${id}`);
      expect4xx(
        await h.api.patch(`/users/me/addresses/${id}`, { city: 'X' }, { token: user.accessToken }),
        `patch ${id}`,
      );
    }
    for (const q of ['?after=-1', '?after=abc', '?limit=0', '?limit=100000', '?limit=abc', '?bogus=1']) {
      expect4xx(await h.api.get(`/events${q}`), `events ${q}`);
    }
    for (const auth of ['Bearer', 'Bearer a.b.c', 'Bearer %00', `Bearer ${'a'.repeat(8000)}`, 'Token abc']) {
      expect4xx(
        await h.api.get('/users/me', { headers: { authorization: auth } }),
        `authorization ${auth.slice(0, 12)}`,
      );
    }
    expect4xx(await h.api.get('/nope'), 'unknown route');
    expect4xx(await h.api.request('PUT', '/users/me', { body: {} }), 'wrong method');
  });
});
