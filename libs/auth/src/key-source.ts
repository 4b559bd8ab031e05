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

export interface RemoteKeySourceOptions {
  /** Age after which the key set is refreshed, in the background (the old set keeps serving). */
  refreshIntervalMs?: number;
  /** Least time between two fetches triggered by an unknown `kid`. */
  minRefreshGapMs?: number;
  timeoutMs?: number;
  /** First wait after a failed fetch; doubles per failure up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * JWKS fetched from user-service and kept in memory. jose's createRemoteJWKSet awaits a reload
 * once its cache is older than its max age, and throws if that fails; here the last good set is
 * kept indefinitely and served at once, so existing sessions stay valid, and fast, while
 * user-service is down. A stale set is refreshed in the background; failed fetches back off
 * exponentially, so an outage costs one fetch per backoff period, not one per request. A token
 * with an unknown `kid` (a rotation) may wait for one fetch, rate-limited.
 */
export class RemoteKeySource implements KeySource {
  private keySet?: JWTVerifyGetKey;
  private fetchedAt = 0;
  private lastAttempt = 0;
  private failures = 0;
  private nextAttemptAt = 0;
  private inflight?: Promise<void>;
  private readonly opts: Required<RemoteKeySourceOptions>;

  constructor(
    private readonly url: string,
    options: RemoteKeySourceOptions = {},
  ) {
    this.opts = {
      refreshIntervalMs: 10 * 60_000,
      minRefreshGapMs: 30_000,
      timeoutMs: 2000,
      backoffMs: 1000,
      maxBackoffMs: 60_000,
      ...options,
    };
  }

  getKey: JWTVerifyGetKey = async (header, token) => {
    if (!this.keySet) {
      // Nothing to serve yet: wait for a fetch, unless one just failed (then fail fast: a 503).
      if (!this.mayFetch()) throw new Error('JWKS unavailable (backing off after a failed fetch)');
      await this.refresh();
    } else if (Date.now() - this.fetchedAt > this.opts.refreshIntervalMs && this.mayFetch()) {
      this.refresh().catch(() => undefined);
    }
    try {
      return await this.keySet!(header, token);
    } catch (err) {
      // Keys rotate: an unknown kid is worth one fetch, but not more often than the gap allows.
      if (
        (err as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY' &&
        Date.now() - this.lastAttempt > this.opts.minRefreshGapMs &&
        this.mayFetch()
      ) {
        await this.refresh().catch(() => undefined);
        return this.keySet!(header, token);
      }
      throw err;
    }
  };

  private mayFetch(): boolean {
    return this.inflight !== undefined || Date.now() >= this.nextAttemptAt;
  }

  private refresh(): Promise<void> {
    this.inflight ??= (async () => {
      this.lastAttempt = Date.now();
      try {
        const res = await fetch(this.url, { signal: AbortSignal.timeout(this.opts.timeoutMs) });
        if (!res.ok) throw new Error(`JWKS fetch failed with ${res.status}`);
        this.keySet = createLocalJWKSet((await res.json()) as JSONWebKeySet);
        this.fetchedAt = Date.now();
        this.failures = 0;
        this.nextAttemptAt = 0;
      } catch (err) {
        this.failures += 1;
        const backoff = Math.min(this.opts.maxBackoffMs, this.opts.backoffMs * 2 ** (this.failures - 1));
        // Jitter, so replicas that failed together do not retry together.
        this.nextAttemptAt = Date.now() + backoff * (0.5 + Math.random() / 2);
        // fetch reports a refused connection as a TypeError, which the verifier would take for a
        // bad token (401); an unreachable key set is an outage (503).
        throw new Error(`JWKS fetch from ${this.url} failed`, { cause: err });
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }
}
