import type { EntityManager } from 'typeorm';

/**
 * Rows of an `UPDATE/DELETE ... RETURNING`. TypeORM's postgres driver answers those
 * with `[rows, rowCount]` but INSERT/SELECT with `rows`; this hides the difference.
 */
export async function returningRows<T>(
  manager: EntityManager,
  text: string,
  params: unknown[],
): Promise<T[]> {
  const raw: unknown = await manager.query(text, params);
  if (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number')
    return raw[0] as T[];
  return raw as T[];
}
