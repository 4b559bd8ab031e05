import { TestIssuer } from '@ha-shop/testkit';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteKeySource } from '../src/key-source';
import { TokenVerifier } from '../src/token-verifier';
import { JwksServer } from './support/jwks-server';

const jwksOf = async (issuer: TestIssuer) =>
  ((await (await fetch(issuer.jwksUrl)).json()) as { keys: JWK[] }).keys;

describe('RemoteKeySource while the JWKS endpoint is down (issue 14 item 2)', () => {
  let issuer: TestIssuer;
  let rotated: TestIssuer;
  let endpoint: JwksServer;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    rotated = await TestIssuer.start();
    endpoint = await JwksServer.start(await jwksOf(issuer));
  });
  afterAll(async () => {
    await endpoint.close();
    await issuer.close();
    await rotated.close();
  });

  it('serves the last good keys at once and refreshes in the background, once per backoff', async () => {
    endpoint.mode = 'up';
    // refreshIntervalMs 0: every verification finds the set stale, the worst case for an outage.
    const keys = new RemoteKeySource(endpoint.url, {
      refreshIntervalMs: 0,
      timeoutMs: 60_000,
      backoffMs: 60_000,
    });
    const verifier = new TokenVerifier(keys, 'ha-shop', 'ha-shop');
    await verifier.verify(await issuer.token({ sub: 'u-0' }));
    const hitsBefore = endpoint.hits;

    endpoint.mode = 'hang';
    for (let i = 1; i <= 5; i++) {
      const principal = await verifier.verify(await issuer.token({ sub: `u-${i}` }));
      expect(principal.userId).toBe(`u-${i}`);
    }
    // All five were answered while the one background fetch is still hanging: none waited for it.
    expect(endpoint.hits - hitsBefore).toBe(1);
    expect(endpoint.hanging.size).toBe(1);
  });

  it('after a failed fetch, backs off instead of fetching on every request', async () => {
    endpoint.mode = 'hang';
    const keys = new RemoteKeySource(endpoint.url, {
      refreshIntervalMs: 0,
      timeoutMs: 300,
      backoffMs: 60_000,
    });
    const verifier = new TokenVerifier(keys, 'ha-shop', 'ha-shop');
    // Nothing cached yet: the first request waits for the (failing) fetch and is refused...
    await expect(verifier.verify(await issuer.token())).rejects.toThrow();
    const hitsAfterFailure = endpoint.hits;
    // ...and the next ones fail fast within the backoff, without another fetch.
    for (let i = 0; i < 5; i++) await expect(verifier.verify(await issuer.token())).rejects.toThrow();
    expect(endpoint.hits).toBe(hitsAfterFailure);
  });

  it('an unknown kid triggers one rate-limited fetch (key rotation)', async () => {
    endpoint.mode = 'up';
    endpoint.publish(await jwksOf(issuer));
    const keys = new RemoteKeySource(endpoint.url, { minRefreshGapMs: 60_000 });
    const verifier = new TokenVerifier(keys, 'ha-shop', 'ha-shop');
    await verifier.verify(await issuer.token());
    const before = endpoint.hits;
    // A token from a key the set does not have yet: gap not passed, no fetch, refused as invalid.
    await expect(verifier.verify(await rotated.token())).rejects.toThrow(/invalid token/);
    expect(endpoint.hits).toBe(before);

    const eager = new RemoteKeySource(endpoint.url, { minRefreshGapMs: 0 });
    const eagerVerifier = new TokenVerifier(eager, 'ha-shop', 'ha-shop');
    await eagerVerifier.verify(await issuer.token());
    endpoint.publish(await jwksOf(rotated));
    const beforeRotation = endpoint.hits;
    expect((await eagerVerifier.verify(await rotated.token({ sub: 'after-rotation' }))).userId).toBe(
      'after-rotation',
    );
    expect(endpoint.hits - beforeRotation).toBe(1);
  });
});
