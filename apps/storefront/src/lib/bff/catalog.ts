import { LRUCache } from 'lru-cache';
import { api, type ApiResult } from './api-client';
import type { Category, ProductDetail, ProductSummary } from './types';

/**
 * What a catalog read gives a page: the data (maybe the last good copy) and whether it is
 * degraded, so the page can say so instead of failing.
 */
export interface CatalogRead<T> {
  data: T | null;
  /** 'live': fresh; 'stale-upstream': product-service served its own stale cache; 'saved': our last good copy. */
  source: 'live' | 'stale-upstream' | 'saved' | 'none';
  /** When our saved copy was fetched (source 'saved'). */
  savedAt?: number;
  notFound?: boolean;
}

// The last good answer per read, bounded: this is what the catalog shows while product-service is down.
const globalCache = globalThis as typeof globalThis & {
  __haShopCatalog?: LRUCache<string, { value: object; at: number }>;
};
function lastGood() {
  globalCache.__haShopCatalog ??= new LRUCache({ max: 500, ttl: 24 * 3_600_000 });
  return globalCache.__haShopCatalog;
}

const READ_BUDGET_MS = 4_000;

async function read<T extends object>(path: string): Promise<CatalogRead<T>> {
  const res: ApiResult<T> = await api<T>('product', { path, deadline: Date.now() + READ_BUDGET_MS });
  if (res.ok) {
    lastGood().set(path, { value: res.body, at: Date.now() });
    const stale = String(res.headers['x-cache'] ?? '') === 'stale';
    return { data: res.body, source: stale ? 'stale-upstream' : 'live' };
  }
  if (res.status === 404) return { data: null, source: 'live', notFound: true };
  const saved = lastGood().get(path);
  if (saved) return { data: saved.value as T, source: 'saved', savedAt: saved.at };
  return { data: null, source: 'none' };
}

export interface ProductPage {
  items: ProductSummary[];
  nextCursor: string | null;
}

export const PAGE_SIZE = 12;

export function listProducts(opts: { category?: string; cursor?: string; limit?: number; sort?: string }) {
  const q = new URLSearchParams({ limit: String(opts.limit ?? PAGE_SIZE) });
  if (opts.category) q.set('category', opts.category);
  if (opts.cursor) q.set('cursor', opts.cursor);
  if (opts.sort) q.set('sort', opts.sort);
  return read<ProductPage>(`/products?${q}`);
}

export function searchProducts(text: string, limit = 24) {
  return read<{ items: ProductSummary[] }>(
    `/search?${new URLSearchParams({ q: text, limit: String(limit) })}`,
  );
}

export function getProduct(slug: string) {
  return read<ProductDetail>(`/products/${encodeURIComponent(slug)}`);
}

export function listCategories() {
  return read<{ items: Category[] }>('/categories');
}

export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
