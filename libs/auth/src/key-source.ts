import { createLocalJWKSet, JSONWebKeySet, JWTVerifyGetKey } from 'jose';

/** Where verification keys come from: user-service's JWKS over HTTP, or keys in-process. */
export interface KeySource {
  getKey: JWTVerifyGetKey;
}

export class LocalKeySource implements KeySource {
  private keySet: JWTVerifyGetKey;
  constructor(jwks: JSONWebKeySet) {
    this.keySet = createLocalJWKSet(jwks);
  }
  update(jwks: JSONWebKeySet): void {
    this.keySet = createLocalJWKSet(jwks);
  }
  getKey: JWTVerifyGetKey = (header, token) => this.keySet(header, token);
}

/**
 * JWKS fetched from user-service and kept in memory. Unlike a plain remote key set,
 * the last good set is kept indefinitely, so existing sessions stay valid while
 * user-service is down; a token with an unknown `kid` triggers a rate-limited refresh.
 */
export class RemoteKeySource implements KeySource {
  private keySet?: JWTVerifyGetKey;
  private lastFetch = 0;
  private inflight?: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly options: {
      refreshIntervalMs?: number;
      minRefreshGapMs?: number;
      timeoutMs?: number;
    } = {},
  ) {}

  getKey: JWTVerifyGetKey = async (header, token) => {
    const stale = Date.now() - this.lastFetch > (this.options.refreshIntervalMs ?? 10 * 60_000);
    if (!this.keySet || stale)
      await this.refresh().catch((err) => {
        if (!this.keySet) throw err;
      });
    try {
      return await this.keySet!(header, token);
    } catch (err) {
      // Keys rotate: an unknown kid is worth one refresh, but not more often than the gap allows.
      if (
        (err as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY' &&
        Date.now() - this.lastFetch > (this.options.minRefreshGapMs ?? 30_000)
      ) {
        await this.refresh();
        return this.keySet!(header, token);
      }
      throw err;
    }
  };

  private refresh(): Promise<void> {
    this.inflight ??= (async () => {
      try {
        const res = await fetch(this.url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 2000) });
        if (!res.ok) throw new Error(`JWKS fetch failed with ${res.status}`);
        this.keySet = createLocalJWKSet((await res.json()) as JSONWebKeySet);
        this.lastFetch = Date.now();
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }
}
