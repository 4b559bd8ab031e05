import { EntityManager } from 'typeorm';
import { ProductDetailDto, ProductSummaryDto, VariantViewDto } from './dto/catalog-response.dto';

/** Columns every product query selects (see PRODUCT_COLUMNS) so all views map the same way. */
export interface ProductRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  status: string;
  images: string[];
  created_at: Date;
  updated_at: Date;
  category_slug: string;
  category_name: string;
}

export interface VariantRow {
  product_id: string;
  sku: string;
  options: Record<string, string>;
  price: number;
  currency: string;
  available: number;
  reserved: number;
  sold: number;
}

export const PRODUCT_COLUMNS = `p.id, p.slug, p.name, p.description, p.status, p.images, p.created_at, p.updated_at,
  c.slug AS category_slug, c.name AS category_name`;

/** One query for the variants (with stock) of a whole page of products. */
export async function loadVariants(
  db: EntityManager,
  productIds: string[],
): Promise<Map<string, VariantRow[]>> {
  const byProduct = new Map<string, VariantRow[]>(productIds.map((id) => [id, []]));
  if (productIds.length === 0) return byProduct;
  const rows: VariantRow[] = await db.query(
    `SELECT v.product_id, v.sku, v.options, v.price, v.currency,
            coalesce(s.available, 0) AS available, coalesce(s.reserved, 0) AS reserved, coalesce(s.sold, 0) AS sold
       FROM product_variant v LEFT JOIN stock s ON s.sku = v.sku
      WHERE v.product_id = ANY($1::uuid[])
      ORDER BY v.product_id, v.position, v.sku`,
    [productIds],
  );
  for (const row of rows) byProduct.get(row.product_id)?.push(row);
  return byProduct;
}

export function toVariantView(v: VariantRow): VariantViewDto {
  return { sku: v.sku, options: v.options, price: v.price, currency: v.currency, inStock: v.available > 0 };
}

export function toSummary(row: ProductRow, variants: VariantRow[]): ProductSummaryDto {
  const cheapest = variants.reduce<VariantRow | undefined>(
    (min, v) => (!min || v.price < min.price ? v : min),
    undefined,
  );
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    category: { slug: row.category_slug, name: row.category_name },
    images: row.images,
    priceFrom: cheapest ? { amount: cheapest.price, currency: cheapest.currency } : null,
    inStock: variants.some((v) => v.available > 0),
    variants: variants.map(toVariantView),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toDetail(row: ProductRow, variants: VariantRow[]): ProductDetailDto {
  return { ...toSummary(row, variants), description: row.description };
}

export async function toSummaries(db: EntityManager, rows: ProductRow[]): Promise<ProductSummaryDto[]> {
  const variants = await loadVariants(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toSummary(r, variants.get(r.id) ?? []));
}
