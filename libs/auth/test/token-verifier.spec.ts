import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportSPKI, importJWK, type KeyLike, SignJWT, UnsecuredJWT } from 'jose';
import { waitFor } from '@ha-shop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteKeySource } from '../src/key-source';
import { ACCESS_TOKEN_ALG, InvalidTokenError, TokenVerifier } from '../src/token-verifier';
import { AUDIENCE, claims, ISSUER, JwksServer, sign, SigningKey, signingKey } from './support/jwks-server';

/** Resolves to the error `verify` rejected with (the guard maps InvalidTokenError to 401, others to 503). */
async function refusal(verifier: TokenVerifier, token: string): Promise<Error> {
  const outcome = await verifier.verify(token).then(
    (principal) => new Error(`accepted as ${principal.userId}`),
    (err: Error) => err,
  );
  if (outcome.message.startsWith('accepted as')) throw outcome;
  return outcome;
}

describe('TokenVerifier against a JWKS served over HTTP', () => {
  let key: SigningKey;
  let rsa: SigningKey;
  let jwks: JwksServer;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    key = await signingKey('key-1');
    rsa = await signingKey('rsa-1', 'RS256');
    // The RSA key is published too, so only the pinned algorithm can refuse its tokens.
    jwks = await JwksServer.start([key.jwk, rsa.jwk]);
    verifier = new TokenVerifier(new RemoteKeySource(jwks.url), ISSUER, AUDIENCE);
  });
  afterAll(() => jwks?.close());

  it('accepts a token of the issuer and returns who it is for, with only known roles', async () => {
    const token = await sign(key, claims({ sub: 'u-42', roles: ['admin', 'root', 'customer'] }));
    expect(await verifier.verify(token)).toEqual({
      userId: 'u-42',
      email: 'ada@example.test',
      roles: ['admin', 'customer'],
      token,
    });
  });

  describe('algorithms: only ' + ACCESS_TOKEN_ALG, () => {
    it('refuses an unsigned token (alg none)', async () => {
      const token = new UnsecuredJWT(claims()).encode();
      expect(await refusal(verifier, token)).toBeInstanceOf(InvalidTokenError);
    });

    it('refuses an HMAC token keyed with the public key', async () => {
      const publicPem = await exportSPKI((await importJWK(key.jwk, ACCESS_TOKEN_ALG)) as KeyLike);
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', kid: key.kid })
        .sign(new TextEncoder().encode(publicPem));
      expect(await refusal(verifier, token)).toBeInstanceOf(InvalidTokenError);
    });

    it('refuses a correctly signed RS256 token whose key is published', async () => {
      const err = await refusal(verifier, await sign(rsa));
      expect(err).toBeInstanceOf(InvalidTokenError);
      expect(err.message).toBe('invalid token');
    });
  });

  it('refuses a token of another issuer', async () => {
    const err = await refusal(verifier, await sign(key, claims({ iss: 'someone-else' })));
    expect(err).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a token for another audience', async () => {
    const err = await refusal(verifier, await sign(key, claims({ aud: 'another-shop' })));
    expect(err).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses an expired token as expired, and tolerates a few seconds of clock skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await refusal(verifier, await sign(key, claims({ iat: now - 120, exp: now - 60 })));
    expect(expired).toBeInstanceOf(InvalidTokenError);
    expect(expired.message).toBe('token expired');
    const skewed = await sign(key, claims({ sub: 'skewed', iat: now - 120, exp: now - 1 }));
    expect((await verifier.verify(skewed)).userId).toBe('skewed');
  });

  it('refuses a token signed by a foreign key that claims a published kid', async () => {
    const foreign = { ...(await signingKey('other')), kid: key.kid };
    expect(await refusal(verifier, await sign(foreign))).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a token whose kid is not published', async () => {
    expect(await refusal(verifier, await sign(await signingKey('key-unknown')))).toBeInstanceOf(
      InvalidTokenError,
    );
  });

  it('refuses tokens without the claims a principal needs', async () => {
    const noEmail = await refusal(verifier, await sign(key, claims({ email: undefined })));
    expect(noEmail.message).toBe('malformed claims');
    for (const missing of ['sub', 'exp', 'iat'] as const) {
      const err = await refusal(verifier, await sign(key, claims({ [missing]: undefined })));
      expect(err, missing).toBeInstanceOf(InvalidTokenError);
    }
    expect(await refusal(verifier, 'not.a.jwt')).toBeInstanceOf(InvalidTokenError);
  });
});

describe('TokenVerifier while the JWKS cannot be fetched', () => {
  // An outage is not the caller's fault: never an InvalidTokenError (a 401), so the guard answers 503.
  it('with user-service answering 500, refuses without blaming the token', async () => {
    const key = await signingKey('key-1');
    const jwks = await JwksServer.start([key.jwk]);
    try {
      jwks.mode = { status: 500 };
      const verifier = new TokenVerifier(
        new RemoteKeySource(jwks.url, { backoffMs: 60_000 }),
        ISSUER,
        AUDIENCE,
      );
      const err = await refusal(verifier, await sign(key));
      expect(err).not.toBeInstanceOf(InvalidTokenError);
      // Backing off: the next request fails at once without another fetch.
      const hits = jwks.hits;
      expect(await refusal(verifier, await sign(key))).not.toBeInstanceOf(InvalidTokenError);
      expect(jwks.hits).toBe(hits);
    } finally {
      await jwks.close();
    }
  });

  it('with nothing listening, refuses without blaming the token', async () => {
    // A port that was just free: connections to it are refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const key = await signingKey('key-1');
    const verifier = new TokenVerifier(
      new RemoteKeySource(`http://127.0.0.1:${port}/.well-known/jwks.json`),
      ISSUER,
      AUDIENCE,
    );
    expect(await refusal(verifier, await sign(key))).not.toBeInstanceOf(InvalidTokenError);
  });

  it('recovers once the endpoint answers again', async () => {
    const key = await signingKey('key-1');
    const jwks = await JwksServer.start([key.jwk]);
    try {
      jwks.mode = { status: 503 };
      const verifier = new TokenVerifier(new RemoteKeySource(jwks.url, { backoffMs: 1 }), ISSUER, AUDIENCE);
      expect(await refusal(verifier, await sign(key))).not.toBeInstanceOf(InvalidTokenError);
      jwks.mode = 'up';
      const token = await sign(key, claims({ sub: 'back' }));
      // Refused until the 1 ms backoff has passed, then fetched and accepted.
      expect((await waitFor(() => verifier.verify(token))).userId).toBe('back');
    } finally {
      await jwks.close();
    }
  });
});
