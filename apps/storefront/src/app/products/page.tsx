import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogNotice } from '@/components/catalog-notice';
import { ProductCard } from '@/components/product-card';
import { listCategories, listProducts, searchProducts, SLUG } from '@/lib/bff/catalog';

export const metadata: Metadata = { title: 'Catalog' };

type Search = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

export default async function CatalogPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const q = one(params.q).trim().slice(0, 100);
  const category = SLUG.test(one(params.category)) ? one(params.category) : '';
  const cursor = one(params.cursor).slice(0, 512);
  const page = Math.max(1, Number(one(params.page)) || 1);
  const [result, categories] = await Promise.all([
    q ? searchProducts(q) : listProducts({ category: category || undefined, cursor: cursor || undefined }),
    listCategories(),
  ]);
  const items = result.data?.items ?? [];
  const nextCursor: string | null =
    result.data && 'nextCursor' in result.data
      ? (result.data as { nextCursor: string | null }).nextCursor
      : null;
  const link = (extra: Record<string, string>) =>
    `/products?${new URLSearchParams({ ...(category ? { category } : {}), ...extra })}`;
  return (
    <>
      <h1>{q ? `Results for “${q}”` : category ? `Catalog: ${category}` : 'Catalog'}</h1>
      <CatalogNotice read={result} />
      <form method="get" action="/products" className="row" aria-label="Filter the catalog">
        <div>
          <label htmlFor="catalog-q">Search</label>
          <input id="catalog-q" name="q" type="search" defaultValue={q} maxLength={100} />
        </div>
        <div>
          <label htmlFor="catalog-category">Category</label>
          <select id="catalog-category" name="category" defaultValue={category}>
            <option value="">All categories</option>
            {categories.data?.items.map((c) => (
              <option key={c.slug} value={c.slug}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" style={{ alignSelf: 'flex-end' }}>
          Apply
        </button>
      </form>
      {q && category && <p className="hint">Search covers every category.</p>}
      <p role="status" className="hint">
        {result.data
          ? `${items.length} product${items.length === 1 ? '' : 's'} shown${q ? '' : `, page ${page}`}`
          : ''}
      </p>
      {result.data && items.length === 0 && <p>No products found. Check the spelling or try fewer words.</p>}
      <ul className="grid" aria-label="Products">
        {items.map((p) => (
          <ProductCard key={p.id} product={p} />
        ))}
      </ul>
      {!q && (
        <nav aria-label="Pages" className="row" style={{ marginTop: '1rem' }}>
          {page > 1 && (
            <Link className="button secondary" href={link({})}>
              First page
            </Link>
          )}
          {nextCursor && (
            <Link className="button" href={link({ cursor: nextCursor, page: String(page + 1) })}>
              Next page
            </Link>
          )}
        </nav>
      )}
    </>
  );
}
