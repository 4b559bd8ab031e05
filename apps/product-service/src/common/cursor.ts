import { ProblemException } from '@ha-shop/service-kit';

export const PRODUCT_SORTS = ['newest', 'price_asc', 'price_desc', 'name'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

/** Position after the last item of a page: the sort key value and the id that breaks ties. */
export interface CursorPosition {
  value: string | number;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(sort: ProductSort, position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ s: sort, v: position.value, id: position.id })).toString('base64url');
}

/**
 * Cursors are opaque to clients but not trusted: anything that is not a cursor we
 * issued for this very sort is a 400, never a SQL error.
 */
export function decodeCursor(raw: string, sort: ProductSort): CursorPosition {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(raw)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid('The cursor is not valid.');
  }
  const c = parsed as { s?: unknown; v?: unknown; id?: unknown } | null;
  if (typeof c !== 'object' || c === null || typeof c.id !== 'string' || !UUID.test(c.id)) {
    throw invalid('The cursor is not valid.');
  }
  if (c.s !== sort) throw invalid('The cursor belongs to a different sort; start again without a cursor.');
  const value = c.v;
  const ok =
    sort === 'newest'
      ? isCursorTime(value)
      : sort === 'name'
        ? // NUL is the one character PostgreSQL text cannot hold.
          typeof value === 'string' && value.length <= 200 && !value.includes('\u0000')
        : Number.isInteger(value) && (value as number) >= 0 && (value as number) <= PG_INT_MAX;
  if (!ok) throw invalid('The cursor is not valid.');
  return { value: value as string | number, id: c.id };
}

const PG_INT_MAX = 2 ** 31 - 1;

/**
 * Only the form encodeCursor writes (Date#toISOString): Date.parse also takes strings PostgreSQL
 * refuses ("1", Feb 30, years it cannot hold), which would fail the query instead of the request.
 */
function isCursorTime(value: unknown): value is string {
  if (typeof value !== 'string' || !/^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value))
    return false;
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === value;
}

function invalid(detail: string): ProblemException {
  return new ProblemException(400, 'invalid-cursor', detail, {
    errors: [{ field: 'cursor', message: detail }],
  });
}
