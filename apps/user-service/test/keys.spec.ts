import { createTestDatabase, expectProblem, sql, waitFor } from '@ha-shop/testkit';
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { SigningKeyStore } from '../src/keys/signing-key.store';
import { ensureCurrentKey, rotateSigningKey } from '../src/keys/signing-keys.repository';
import { signUp, startUserService } from './support';

const SECRET = 'a-test-only-key-encryption-secret-0123456789';

async function jwksOf(h: {
  api: { get: (p: string) => Promise<{ body: { keys: Array<{ kid: string }> } }> };
}) {
  return (await h.api.get('/.well-known/jwks.json')).body.keys.map((k) => k.kid);
}

describe('signing keys', () => {
  it('two replicas starting together on one empty database end up with one shared key', async () => {
    const db = await createTestDatabase('keys');
    const [a, b] = await Promise.all([startUserService({}, db), startUserService({}, db)]);
    try {
      const rows = await sql(db, 'SELECT kid, state FROM signing_key');
      expect(rows).toEqual([{ kid: expect.any(String), state: 'current' }]);
      expect(await jwksOf(a)).toEqual([rows[0].kid]);
      expect(await jwksOf(b)).toEqual([rows[0].kid]);
      // Signed by one replica, accepted by the other (and vice versa).
      const onA = await signUp(a.api);
      expect(decodeProtectedHeader(onA.accessToken).kid).toBe(rows[0].kid);
      expect((await b.api.get('/users/me', { token: onA.accessToken })).status).toBe(200);
      const refreshedOnB = await b.api.post('/auth/refresh', { refreshToken: onA.refreshToken });
      expect((await a.api.get('/users/me', { token: refreshedOnB.body.accessToken })).status).toBe(200);
    } finally {
      await Promise.all([a.svc.shutdown(), b.svc.shutdown()]);
    }
  });

  it('lets exactly one of many concurrent first-key creations land', async () => {
    const h = await startUserService();
    const db = await createTestDatabase('race');
    const ds = await new DataSource({ ...h.svc.app.get(DataSource).options, url: db } as never).initialize();
    try {
      await ds.runMigrations();
      const created = await Promise.all(Array.from({ length: 8 }, () => ensureCurrentKey(ds, undefined)));
      expect(created.filter(Boolean)).toHaveLength(1);
      expect(await sql(db, 'SELECT state FROM signing_key')).toEqual([{ state: 'current' }]);
    } finally {
      await ds.destroy();
      await h.svc.shutdown();
    }
  });

  it('keeps the key across restarts, encrypted at rest when a secret is configured', async () => {
    const first = await startUserService({ JWT_KEY_ENCRYPTION_SECRET: SECRET });
    const user = await signUp(first.api);
    const kids = await jwksOf(first);
    await first.svc.shutdown();

    const [row] = await sql<{ private_key: string }>(first.db, 'SELECT private_key FROM signing_key');
    expect(row.private_key.startsWith('enc:v1:')).toBe(true);
    expect(row.private_key).not.toMatch(/PRIVATE KEY/);

    const second = await startUserService({ JWT_KEY_ENCRYPTION_SECRET: SECRET }, first.db);
    try {
      expect(await jwksOf(second)).toEqual(kids);
      expect((await second.api.get('/users/me', { token: user.accessToken })).status).toBe(200);
    } finally {
      await second.svc.shutdown();
    }
    await expect(startUserService({}, first.db)).rejects.toThrow(
      /encrypted but JWT_KEY_ENCRYPTION_SECRET is not set/,
    );
    await expect(
      startUserService({ JWT_KEY_ENCRYPTION_SECRET: SECRET.replace('a', 'b') }, first.db),
    ).rejects.toThrow(/cannot be decrypted/);
  });

  it('signs with JWT_PRIVATE_KEY_PEM when given, and publishes it', async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const h = await startUserService({
      JWT_PRIVATE_KEY_PEM: pem.replace(/\n/g, '\\n'),
      JWT_KEY_ID: 'ops-key-1',
    });
    try {
      const user = await signUp(h.api);
      expect(decodeProtectedHeader(user.accessToken)).toMatchObject({ alg: 'ES256', kid: 'ops-key-1' });
      expect(await jwksOf(h)).toEqual(['ops-key-1']);
      expect(await sql(h.db, 'SELECT 1 FROM signing_key')).toHaveLength(0);
      expect((await h.api.get('/users/me', { token: user.accessToken })).status).toBe(200);
    } finally {
      await h.svc.shutdown();
    }
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    await expect(startUserService({ JWT_PRIVATE_KEY_PEM: rsa })).rejects.toThrow(/P-256/);
  });

  it('rotation: new tokens use the new key, old tokens stay valid, other replicas follow', async () => {
    const db = await createTestDatabase('rotate');
    const a = await startUserService({ SIGNING_KEY_RELOAD_SECONDS: '1' }, db);
    const b = await startUserService({ SIGNING_KEY_RELOAD_SECONDS: '1' }, db);
    try {
      const before = await signUp(a.api);
      const oldKid = decodeProtectedHeader(before.accessToken).kid;
      const newKid = await rotateSigningKey(a.svc.app.get(DataSource));
      await a.svc.app.get(SigningKeyStore).reload();
      expect(await jwksOf(a)).toEqual([newKid, oldKid]);

      const after = await a.api.post('/auth/refresh', { refreshToken: before.refreshToken });
      expect(decodeProtectedHeader(after.body.accessToken).kid).toBe(newKid);
      expect((await a.api.get('/users/me', { token: before.accessToken })).status).toBe(200);
      // b reloads on its own schedule; until then it would still sign with the (still published) old key.
      await waitFor(async () => (await jwksOf(b)).length >= 2, {
        timeoutMs: 5000,
        what: 'b to reload its keys',
      });
      expect(await jwksOf(b)).toEqual([newKid, oldKid]);
      expect((await b.api.get('/users/me', { token: after.body.accessToken })).status).toBe(200);
      expect((await b.api.get('/users/me', { token: before.accessToken })).status).toBe(200);

      // A second rotation retires the oldest key and erases its private half.
      await rotateSigningKey(a.svc.app.get(DataSource));
      await a.svc.app.get(SigningKeyStore).reload();
      expect(await jwksOf(a)).not.toContain(oldKid);
      expectProblem(await a.api.get('/users/me', { token: before.accessToken }), 401);
      const [retired] = await sql(db, 'SELECT state, private_key FROM signing_key WHERE kid = $1', [oldKid]);
      expect(retired).toEqual({ state: 'retired', private_key: '' });
    } finally {
      await Promise.all([a.svc.shutdown(), b.svc.shutdown()]);
    }
  });
});
