import Link from 'next/link';
import type { ProductSummary } from '@/lib/bff/types';
import { money } from './money';
import { ProductArt } from './product-art';
import styles from './product-card.module.css';

export function ProductCard({ product }: { product: ProductSummary }) {
  return (
    <li className={styles.card}>
      <Link href={`/products/${product.slug}`} className={styles.link}>
        <ProductArt slug={product.slug} name={product.name} size={240} />
        <span className={styles.name}>{product.name}</span>
      </Link>
      <span className={styles.meta}>
        {product.priceFrom ? `from ${money(product.priceFrom.amount, product.priceFrom.currency)}` : ''}
        {' · '}
        <span className={product.inStock ? 'stock-in' : 'stock-out'}>
          {product.inStock ? 'In stock' : 'Out of stock'}
        </span>
      </span>
    </li>
  );
}
