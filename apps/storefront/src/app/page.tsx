import Link from 'next/link';
import { CatalogNotice } from '@/components/catalog-notice';
import { ProductCard } from '@/components/product-card';
import { listCategories, listProducts } from '@/lib/bff/catalog';

export default async function HomePage() {
  const [featured, categories] = await Promise.all([listProducts({ limit: 8 }), listCategories()]);
  return (
    <>
      <h1>Welcome to ha-shop</h1>
      <p>Everything here keeps working while parts of the platform fail on purpose.</p>
      <CatalogNotice read={featured} />
      <h2>Categories</h2>
      {categories.data ? (
        <ul className="row" style={{ listStyle: 'none', padding: 0 }}>
          {categories.data.items.map((c) => (
            <li key={c.slug}>
              <Link className="button secondary" href={`/products?category=${c.slug}`}>
                {c.name} <span className="visually-hidden">,</span>({c.productCount})
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p>Categories are unavailable right now.</p>
      )}
      <h2>Featured</h2>
      {featured.data && (
        <ul className="grid">
          {featured.data.items.map((p) => (
            <ProductCard key={p.id} product={p} />
          ))}
        </ul>
      )}
    </>
  );
}
