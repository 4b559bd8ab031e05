import { expectProblem, sql, TestIssuer } from '@ha-shop/testkit';
import {
  createLocalJWKSet,
  exportSPKI,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
  type KeyLike,
} from 'jose';
import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../src/create-admin';
import {
  signUp,
  SignedIn,
  startUserService,
  STRONG_PASSWORD,
  uniqueEmail,
  UserServiceHandle,
} from './support';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens', () => {
  let h: UserServiceHandle;
  let user: SignedIn;
  let kid: string;
  let serviceKey: KeyObject;
  let jwks: JSONWebKeySet;

  /** A token exactly as user-service would sign it, with overrides. */
  const forge = (
    claims: Record<string, unknown>,
    opts: { key?: KeyObject | KeyLike; kid?: string; exp?: number } = {},
  ) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ email: user.email, roles: ['customer'], ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? kid })
      .setSubject(user.id)
      .setIssuer('ha-shop')
      .setAudience('ha-shop')
      .setIssuedAt(now - 120)
      .setExpirationTime(opts.exp ?? now + 600)
      .sign(opts.key ?? serviceKey);
  };

  beforeAll(async () => {
    h = await startUserService();
    user = await signUp(h.api);
    jwks = (await h.api.get('/.well-known/jwks.json')).body as JSONWebKeySet;
    kid = jwks.keys[0].kid!;
    // Tests may read the key behind the API: it is what an expired-but-genuine token needs.
    const [row] = await sql<{ private_key: string }>(
      h.db,
      `SELECT private_key FROM signing_key WHERE kid = $1`,
      [kid],
    );
    serviceKey = createPrivateKey(row.private_key);
  });
  afterAll(() => h.svc.shutdown());

  const me = (token: string) => h.api.get('/users/me', { token });

  it('accepts its own genuine token', async () => {
    expect((await me(user.accessToken)).status).toBe(200);
    expect((await me(await forge({}))).status).toBe(200);
  });

  it('publishes a JWKS that verifies its tokens with jose', async () => {
    const res = await h.api.get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=300/);
    expect(res.body.keys).toHaveLength(1);
    const [key] = res.body.keys;
    expect(key).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid,
      alg: 'ES256',
      use: 'sig',
    });
    const { payload, protectedHeader } = await jwtVerify(user.accessToken, createLocalJWKSet(res.body), {
      issuer: 'ha-shop',
      audience: 'ha-shop',
      algorithms: ['ES256'],
    });
    expect(protectedHeader.kid).toBe(kid);
    expect(payload).toMatchObject({ sub: user.id, email: user.email, roles: ['customer'] });
  });

  it('rejects an expired token', async () => {
    const body = expectProblem(await me(await forge({}, { exp: Math.floor(Date.now() / 1000) - 60 })), 401);
    expect(body.detail).toMatch(/expired/);
  });

  it('rejects a token whose payload was changed', async () => {
    const [header, payload, signature] = user.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${b64({ ...claims, roles: ['admin'] })}.${signature}`;
    expectProblem(await me(tampered), 401);
    expectProblem(
      await h.api.get(`/admin/users?email=${encodeURIComponent(user.email)}`, { token: tampered }),
      401,
    );
  });

  it('rejects a token signed by another key, even one claiming our kid', async () => {
    const other = await TestIssuer.start('ha-shop', 'ha-shop');
    try {
      expectProblem(await me(await other.token({ sub: user.id, email: user.email })), 401);
      expectProblem(await me(await other.adminToken(user.id)), 401);
    } finally {
      await other.close();
    }
    const { privateKey } = await generateKeyPair('ES256');
    expectProblem(await me(await forge({}, { key: privateKey, kid })), 401);
  });

  it('rejects alg "none"', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: user.id,
      email: user.email,
      roles: ['admin'],
      iss: 'ha-shop',
      aud: 'ha-shop',
      iat: now,
      exp: now + 600,
    };
    expectProblem(await me(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`), 401);
    expectProblem(await me(`${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(claims)}.`), 401);
  });

  it('rejects HS256 signed with the public key as the HMAC secret', async () => {
    const publicKey = createPublicKey(serviceKey);
    const secrets = [
      Buffer.from(await exportSPKI(publicKey)),
      Buffer.from(publicKey.export({ type: 'spki', format: 'der' })),
      Buffer.from(JSON.stringify(jwks.keys[0])),
    ];
    for (const secret of secrets) {
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ email: user.email, roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256', kid })
        .setSubject(user.id)
        .setIssuer('ha-shop')
        .setAudience('ha-shop')
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(new Uint8Array(secret));
      expectProblem(await me(token), 401);
    }
  });

  it('rejects a genuine signature with the wrong issuer or audience', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const [iss, aud] of [
      ['evil', 'ha-shop'],
      ['ha-shop', 'other-app'],
    ]) {
      const token = await new SignJWT({ email: user.email, roles: ['customer'] })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(user.id)
        .setIssuer(iss)
        .setAudience(aud)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(serviceKey);
      expectProblem(await me(token), 401);
    }
  });

  it('asks for a sign-in without a token, and rejects non-bearer or garbage authorization', async () => {
    expectProblem(await h.api.get('/users/me'), 401);
    expectProblem(await h.api.get('/users/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401);
    expectProblem(await me('not.a.jwt'), 401);
    expectProblem(await me('x'.repeat(5000)), 401);
  });

  it('keeps the admin route to admins', async () => {
    const lookup = (token: string, email = user.email) =>
      h.api.get(`/admin/users?email=${encodeURIComponent(email)}`, { token });
    const forbidden = expectProblem(await lookup(user.accessToken), 403);
    expect(forbidden.detail).toMatch(/admin/);
    expectProblem(await h.api.get(`/admin/users?email=${encodeURIComponent(user.email)}`), 401);

    const adminEmail = uniqueEmail('admin');
    await createAdmin(h.svc.app.get(DataSource), adminEmail, STRONG_PASSWORD);
    const login = await h.api.post('/auth/login', { email: adminEmail, password: STRONG_PASSWORD });
    expect(login.status).toBe(200);
    const found = await lookup(login.body.accessToken, user.email.toUpperCase());
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ id: user.id, email: user.email, roles: ['customer'] });
    expectProblem(await lookup(login.body.accessToken, uniqueEmail('missing')), 404);
    expectProblem(await h.api.get('/admin/users', { token: login.body.accessToken }), 400);
    expectProblem(await h.api.get('/admin/users?email=x&role=admin', { token: login.body.accessToken }), 400);
  });

  it('offers no way to grant yourself a role', async () => {
    const reg = await h.api.post('/users', {
      email: uniqueEmail('sneaky'),
      password: STRONG_PASSWORD,
      name: 'S',
      roles: ['admin'],
    });
    expectProblem(reg, 400);
    expectProblem(await h.api.patch('/users/me', { roles: ['admin'] }, { token: user.accessToken }), 404);
  });
});
