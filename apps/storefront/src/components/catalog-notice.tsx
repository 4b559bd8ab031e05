import type { CatalogRead } from '@/lib/bff/catalog';

/** Says how fresh the catalog on screen is when product-service is not answering normally. */
export function CatalogNotice({ read }: { read: Pick<CatalogRead<unknown>, 'source' | 'savedAt'> }) {
  if (read.source === 'saved') {
    return (
      <p className="notice warn" role="status" data-testid="degraded-notice">
        The catalog is temporarily unavailable. You are seeing the products as they were at{' '}
        {new Date(read.savedAt ?? Date.now()).toISOString().slice(11, 16)} UTC; prices and stock may have
        changed.
      </p>
    );
  }
  if (read.source === 'stale-upstream') {
    return (
      <p className="notice warn" role="status" data-testid="degraded-notice">
        Parts of the catalog may be slightly out of date while we recover from a problem.
      </p>
    );
  }
  if (read.source === 'none') {
    return (
      <p className="notice warn" role="status" data-testid="degraded-notice">
        The catalog is temporarily unavailable. Please try again in a moment; your cart is safe.
      </p>
    );
  }
  return null;
}
