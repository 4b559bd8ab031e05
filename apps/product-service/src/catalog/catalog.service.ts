import { Injectable } from '@nestjs/common';
import { ProblemException } from '@ha-shop/service-kit';
import { DataSource } from 'typeorm';
import { CursorPosition, decodeCursor, encodeCursor, ProductSort } from '../common/cursor';
import { ListProductsQueryDto } from './dto/catalog-query.dto';
import { CategoryListDto, ProductDetailDto, ProductPageDto } from './dto/catalog-response.dto';
import { loadVariants, PRODUCT_COLUMNS, ProductRow, toDetail, toSummaries } from './product-views';

interface SortSpec {
  /** SQL expression of the sort key; each has a matching partial index (see the catalog migration). */
  key: string;
  cast: 'timestamptz' | 'integer' | 'text';
  direction: 'ASC' | 'DESC';
  cursorValue(row: ListedRow): string | number;
}

type ListedRow = ProductRow & { min_price: number; name_key: string };

const SORTS: Record<ProductSort, SortSpec> = {
  newest: {
    key: 'p.created_at',
    cast: 'timestamptz',
    direction: 'DESC',
    cursorValue: (r) => r.created_at.toISOString(),
  },
  price_asc: { key: 'p.min_price', cast: 'integer', direction: 'ASC', cursorValue: (r) => r.min_price },
  price_desc: { key: 'p.min_price', cast: 'integer', direction: 'DESC', cursorValue: (r) => r.min_price },
  name: { key: 'lower(p.name)', cast: 'text', direction: 'ASC', cursorValue: (r) => r.name_key },
};

@Injectable()
export class CatalogService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Keyset pagination: the cursor holds (sort key, id) of the last row, and the next
   * page starts strictly after it, so inserts and deletes between pages never cause
   * duplicates, and ties on the sort key are broken by id.
   */
  async list(query: ListProductsQueryDto): Promise<ProductPageDto> {
    const sort = query.sort ?? 'newest';
    const limit = query.limit ?? 20;
    const spec = SORTS[sort];
    const after: CursorPosition | undefined = query.cursor ? decodeCursor(query.cursor, sort) : undefined;
    const params: unknown[] = [];
    const where = [`p.status = 'active'`];
    if (query.category) {
      params.push(await this.categoryId(query.category));
      where.push(`p.category_id = $${params.length}`);
    }
    if (after) {
      params.push(after.value, after.id);
      const op = spec.direction === 'ASC' ? '>' : '<';
      where.push(`(${spec.key}, p.id) ${op} ($${params.length - 1}::${spec.cast}, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows: ListedRow[] = await this.dataSource.query(
      `SELECT ${PRODUCT_COLUMNS}, p.min_price, lower(p.name) AS name_key
         FROM product p JOIN category c ON c.id = p.category_id
        WHERE ${where.join(' AND ')}
        ORDER BY ${spec.key} ${spec.direction}, p.id ${spec.direction}
        LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: await toSummaries(this.dataSource.manager, page),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(sort, { value: spec.cursorValue(last), id: last.id })
          : null,
    };
  }

  async getBySlug(slug: string): Promise<ProductDetailDto> {
    const [row]: ProductRow[] = await this.dataSource.query(
      `SELECT ${PRODUCT_COLUMNS} FROM product p JOIN category c ON c.id = p.category_id
        WHERE p.slug = $1 AND p.status = 'active'`,
      [slug],
    );
    if (!row) throw new ProblemException(404, 'product-not-found', `No product with slug "${slug}".`);
    const variants = await loadVariants(this.dataSource.manager, [row.id]);
    return toDetail(row, variants.get(row.id) ?? []);
  }

  async categories(): Promise<CategoryListDto> {
    const rows: Array<{ slug: string; name: string; product_count: number }> = await this.dataSource.query(
      `SELECT c.slug, c.name, count(p.id)::int AS product_count
         FROM category c LEFT JOIN product p ON p.category_id = c.id AND p.status = 'active'
        GROUP BY c.id ORDER BY c.name, c.slug LIMIT 1000`,
    );
    return { items: rows.map((r) => ({ slug: r.slug, name: r.name, productCount: r.product_count })) };
  }

  private async categoryId(slug: string): Promise<string> {
    const [row]: Array<{ id: string }> = await this.dataSource.query(
      'SELECT id FROM category WHERE slug = $1',
      [slug],
    );
    if (!row) throw new ProblemException(404, 'category-not-found', `No category with slug "${slug}".`);
    return row.id;
  }
}
