import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import { counter } from '@ha-shop/observability';
import type { ApiResponseOptions } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { Observable, tap } from 'rxjs';
import { ProductEnv } from '../config/product.env';

/** `hit`: fresh from the cache; `miss`: from the database (and stored); `stale`: cached, the database failed. */
export type CacheOutcome = 'hit' | 'miss' | 'stale';

interface Entry {
  value: object;
  storedAt: number;
  /** Entries of an older generation are never fresh (an admin write happened since), only stale. */
  generation: number;
  bytes: number;
}

/** Response headers of every cached catalog read, for the OpenAPI document. */
export const CACHE_HEADERS: ApiResponseOptions['headers'] = {
  'X-Cache': {
    description:
      "`hit` (fresh from this replica's cache), `miss` (from the database) or `stale` (cached; the database failed)",
    schema: { type: 'string', enum: ['hit', 'miss', 'stale'] },
  },
  Age: {
    description: 'Seconds since a cached answer was read from the database (hit and stale)',
    schema: { type: 'integer' },
  },
};

const lookups = () =>
  counter('catalog_cache_requests_total', 'Catalog reads by how they were answered', ['outcome'] as const);

/**
 * Keeps catalog reads answering while the database is slow or down: every successful read is
 * kept (bounded in entries and bytes, LRU) for CATALOG_CACHE_FRESH_MS + CATALOG_CACHE_STALE_MS.
 *
 * - fresh entry: answered from memory;
 * - stale entry: the database gets CATALOG_CACHE_DB_TIMEOUT_MS; on failure or timeout the stale
 *   entry is served, and a refresh still under way stores its result when it arrives;
 * - no entry: the database answers as usual (its own timeouts apply), errors go to the client.
 *
 * One load per key at a time (single flight), so a slow database sees one query per key instead
 * of one per request. Answers the database gave with a 4xx (an unknown slug) are authoritative:
 * never replaced by a stale entry.
 */
@Injectable()
export class CatalogCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly inFlight = new Map<string, Promise<Entry>>();
  private generation = 0;
  private readonly outcomes = lookups();

  constructor(private readonly env: ProductEnv) {
    this.entries = new LRUCache<string, Entry>({
      max: env.CATALOG_CACHE_MAX_ENTRIES,
      maxSize: env.CATALOG_CACHE_MAX_BYTES,
      // One huge page must not wipe out everything else.
      maxEntrySize: Math.max(1024, Math.floor(env.CATALOG_CACHE_MAX_BYTES / 4)),
      sizeCalculation: (entry) => entry.bytes,
      ttl: Math.max(1, env.CATALOG_CACHE_FRESH_MS + env.CATALOG_CACHE_STALE_MS),
    });
  }

  /** Answers `key` from the cache or `load`, and says which in `X-Cache` (plus `Age` when cached). */
  async serve<T extends object>(reply: FastifyReply, key: string, load: () => Promise<T>): Promise<T> {
    const { value, outcome, ageMs } = await this.read(key, load);
    void reply.header('x-cache', outcome);
    if (outcome !== 'miss') void reply.header('age', String(Math.floor(ageMs / 1000)));
    if (outcome === 'stale') void reply.header('warning', '110 - "Response is Stale"');
    return value;
  }

  async read<T extends object>(
    key: string,
    load: () => Promise<T>,
  ): Promise<{ value: T; outcome: CacheOutcome; ageMs: number }> {
    const entry = this.entries.get(key);
    const now = Date.now();
    if (
      entry &&
      entry.generation === this.generation &&
      now - entry.storedAt < this.env.CATALOG_CACHE_FRESH_MS
    ) {
      return this.answer(entry, 'hit', now);
    }
    const refresh = this.refresh(key, load);
    if (!entry) return this.answer(await refresh, 'miss', now);
    try {
      return this.answer(await withTimeout(refresh, this.env.CATALOG_CACHE_DB_TIMEOUT_MS), 'miss', now);
    } catch (err) {
      if (isAuthoritative(err)) throw err;
      return this.answer(entry, 'stale', now);
    }
  }

  /** After a catalog write on this replica: the next reads go to the database (old entries stay as stale fallback). */
  invalidate(): void {
    this.generation++;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.entries.calculatedSize };
  }

  private refresh(key: string, load: () => Promise<object>): Promise<Entry> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const generation = this.generation;
    // `then(load)` starts the load after the map holds the promise, so `finally` always removes it.
    const loading = Promise.resolve()
      .then(load)
      .then(
        (value) => {
          const entry: Entry = { value, storedAt: Date.now(), generation, bytes: jsonBytes(value) };
          this.entries.set(key, entry);
          return entry;
        },
        (err: unknown) => {
          if (isAuthoritative(err)) this.entries.delete(key);
          throw err;
        },
      )
      .finally(() => this.inFlight.delete(key));
    // Callers that gave up on it (timeout) must not leave an unhandled rejection behind.
    loading.catch(() => undefined);
    this.inFlight.set(key, loading);
    return loading;
  }

  private answer<T>(entry: Entry, outcome: CacheOutcome, now: number) {
    this.outcomes.inc({ outcome });
    return { value: entry.value as T, outcome, ageMs: Math.max(0, now - entry.storedAt) };
  }
}

/**
 * Normalised cache key: route plus the parameters that shape the answer, sorted, without
 * empty ones, whitespace collapsed; `caseless` parameters are lowercased (search is case-insensitive).
 */
export function cacheKey(
  route: string,
  params: Record<string, string | number | undefined> = {},
  caseless: string[] = [],
): string {
  const parts = Object.keys(params)
    .filter((k) => params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => {
      let v = String(params[k]).trim().replace(/\s+/g, ' ');
      if (caseless.includes(k)) v = v.toLowerCase();
      return `${k}=${encodeURIComponent(v)}`;
    });
  return parts.length > 0 ? `${route}?${parts.join('&')}` : route;
}

/**
 * On the admin controller: any successful write makes this replica's cached catalog reads
 * non-fresh, so an admin sees their change at once. Other replicas catch up within
 * CATALOG_CACHE_FRESH_MS.
 */
@Injectable()
export class InvalidateCatalogCache implements NestInterceptor {
  constructor(private readonly cache: CatalogCache) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { method } = context.switchToHttp().getRequest<FastifyRequest>();
    if (method === 'GET' || method === 'HEAD') return next.handle();
    return next.handle().pipe(tap(() => this.cache.invalidate()));
  }
}

/** 4xx answers came from a working database: the truth, not an outage. */
function isAuthoritative(err: unknown): boolean {
  return err instanceof HttpException && err.getStatus() < 500;
}

function jsonBytes(value: object): number {
  return Buffer.byteLength(JSON.stringify(value));
}

class CacheTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CacheTimeout(`database slower than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
