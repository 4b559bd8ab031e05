import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CatalogNotice } from '@/components/catalog-notice';
import { money } from '@/components/money';
import { ProductArt } from '@/components/product-art';
import { addToCart } from '@/app/actions/cart';
import { getProduct, SLUG } from '@/lib/bff/catalog';

type Params = Promise<{ slug: string }>;
type Search = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { slug } = await params;
  return { title: slug.replace(/-/g, ' ') };
}

const optionLabel = (options: Record<string, string>) =>
  Object.entries(options)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ') || 'Standard';

export default async function ProductPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: Search;
}) {
  const { slug } = await params;
  if (!SLUG.test(slug)) notFound();
  const query = await searchParams;
  const read = await getProduct(slug);
  if (read.notFound) notFound();
  const product = read.data;
  const added = typeof query.added === 'string' ? query.added : undefined;
  const cartError = typeof query.cartError === 'string' ? query.cartError : undefined;
  if (!product) {
    return (
      <>
        <h1>Product</h1>
        <CatalogNotice read={read} />
      </>
    );
  }
  const firstInStock = product.variants.find((v) => v.inStock)?.sku;
  return (
    <article>
      <p>
        <Link href={`/products?category=${product.category.slug}`}>{product.category.name}</Link>
      </p>
      <h1>{product.name}</h1>
      <CatalogNotice read={read} />
      {added && (
        <p className="notice ok" role="status">
          Added{' '}
          {product.variants.find((v) => v.sku === added)
            ? optionLabel(product.variants.find((v) => v.sku === added)!.options)
            : added}{' '}
          to your cart. <Link href="/cart">View cart</Link>
        </p>
      )}
      {cartError && (
        <p className="notice error" role="alert">
          {cartError === 'unavailable'
            ? 'The cart is temporarily unavailable. Please try again in a moment.'
            : cartError}
        </p>
      )}
      <div
        style={{
          display: 'grid',
          gap: '1.5rem',
          gridTemplateColumns: 'repeat(auto-fit, minmax(16rem, 1fr))',
        }}
      >
        <ProductArt slug={product.slug} name={product.name} size={480} />
        <div>
          <p>{product.description}</p>
          <form action={addToCart}>
            <input type="hidden" name="slug" value={product.slug} />
            <fieldset>
              <legend>Choose a variant</legend>
              {product.variants.map((v) => (
                <div key={v.sku} className="row">
                  <input
                    type="radio"
                    id={`variant-${v.sku}`}
                    name="sku"
                    value={v.sku}
                    disabled={!v.inStock}
                    defaultChecked={v.sku === firstInStock}
                    required
                  />
                  <label htmlFor={`variant-${v.sku}`} style={{ marginTop: 0, fontWeight: 400 }}>
                    {optionLabel(v.options)} · {money(v.price, v.currency)} ·{' '}
                    <span className={v.inStock ? 'stock-in' : 'stock-out'}>
                      {v.inStock ? 'In stock' : 'Out of stock'}
                    </span>
                  </label>
                </div>
              ))}
            </fieldset>
            <label htmlFor="quantity">Quantity</label>
            <input
              id="quantity"
              name="quantity"
              type="number"
              min={1}
              max={10}
              defaultValue={1}
              style={{ maxWidth: '6rem' }}
            />
            <p>
              <button type="submit" disabled={!firstInStock}>
                {firstInStock ? 'Add to cart' : 'Out of stock'}
              </button>
            </p>
          </form>
        </div>
      </div>
    </article>
  );
}
