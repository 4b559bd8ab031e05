import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '@ha-shop/database';
import { EVENTS, OutboxService } from '@ha-shop/events';
import { ProblemException } from '@ha-shop/service-kit';
import { DataSource, EntityManager } from 'typeorm';
import { loadVariants, PRODUCT_COLUMNS, ProductRow, toDetail } from '../catalog/product-views';
import {
  CreateCategoryDto,
  CreateProductDto,
  UpdateProductDto,
  VariantInputDto,
  VariantPatchDto,
} from './dto/admin-input.dto';
import { insertStock } from '../inventory/stock.repository';
import { AdminCategoryDto, AdminProductDto } from './dto/admin-response.dto';

@Injectable()
export class AdminProductsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  async createCategory(dto: CreateCategoryDto): Promise<AdminCategoryDto> {
    try {
      const [row]: AdminCategoryDto[] = await this.dataSource.query(
        'INSERT INTO category (slug, name) VALUES ($1, $2) RETURNING id, slug, name',
        [dto.slug, dto.name],
      );
      return row;
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('category-exists', `Category "${dto.slug}" already exists.`);
      throw err;
    }
  }

  async createProduct(dto: CreateProductDto): Promise<AdminProductDto> {
    const id = await this.dataSource.transaction(async (m) => {
      const categoryId = await categoryIdOf(m, dto.categorySlug);
      await assertSkusFree(
        m,
        dto.variants.map((v) => v.sku),
      );
      const [product]: Array<{ id: string }> = await m
        .query(
          `INSERT INTO product (slug, name, description, category_id, status, images)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [dto.slug, dto.name, dto.description ?? '', categoryId, dto.status ?? 'active', dto.images ?? []],
        )
        .catch(rethrowDuplicate);
      await insertVariants(m, product.id, dto.variants, 0);
      await this.outbox.append(m, {
        type: EVENTS.productCreated,
        aggregateId: product.id,
        payload: {
          productId: product.id,
          slug: dto.slug,
          name: dto.name,
          categorySlug: dto.categorySlug,
          status: dto.status ?? 'active',
          variants: dto.variants.map((v) => ({
            sku: v.sku,
            price: v.price,
            currency: v.currency,
            stock: v.stock ?? 0,
          })),
        },
      });
      return product.id;
    });
    return this.get(id);
  }

  async updateProduct(id: string, dto: UpdateProductDto): Promise<AdminProductDto> {
    const changed = Object.keys(dto).filter((k) => dto[k as keyof UpdateProductDto] !== undefined);
    if (changed.length === 0) throw new ProblemException(400, 'empty-update', 'The request changes nothing.');
    await this.dataSource.transaction(async (m) => {
      const sets: string[] = [];
      const params: unknown[] = [id];
      const set = (column: string, value: unknown) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      if (dto.slug !== undefined) set('slug', dto.slug);
      if (dto.name !== undefined) set('name', dto.name);
      if (dto.description !== undefined) set('description', dto.description);
      if (dto.status !== undefined) set('status', dto.status);
      if (dto.images !== undefined) set('images', dto.images);
      if (dto.categorySlug !== undefined) set('category_id', await categoryIdOf(m, dto.categorySlug));
      // Always touched, which also locks the row against a concurrent update of the same product.
      const [, count]: [unknown, number] = await m
        .query(`UPDATE product SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1`, params)
        .catch(rethrowDuplicate);
      if (count === 0) throw notFound(id);
      const added = await this.patchVariants(m, id, dto);
      const [{ slug }]: Array<{ slug: string }> = await m.query('SELECT slug FROM product WHERE id = $1', [
        id,
      ]);
      await this.outbox.append(m, {
        type: EVENTS.productUpdated,
        aggregateId: id,
        payload: { productId: id, slug, changed, addedSkus: added, variants: dto.variants ?? [] },
      });
    });
    return this.get(id);
  }

  async get(id: string): Promise<AdminProductDto> {
    const [row]: ProductRow[] = await this.dataSource.query(
      `SELECT ${PRODUCT_COLUMNS} FROM product p JOIN category c ON c.id = p.category_id WHERE p.id = $1`,
      [id],
    );
    if (!row) throw notFound(id);
    const variants = (await loadVariants(this.dataSource.manager, [id])).get(id) ?? [];
    const detail = toDetail(row, variants);
    return {
      ...detail,
      status: row.status,
      variants: variants.map((v, i) => ({
        ...detail.variants[i],
        available: v.available,
        reserved: v.reserved,
        sold: v.sold,
      })),
    };
  }

  /** Updates the listed existing variants of this product and adds new ones; returns the added SKUs. */
  private async patchVariants(m: EntityManager, productId: string, dto: UpdateProductDto): Promise<string[]> {
    const patches = [...(dto.variants ?? [])].sort((a, b) => (a.sku < b.sku ? -1 : 1));
    const unmatched: VariantPatchDto[] = [];
    for (const v of patches) {
      const [, count]: [unknown, number] = await m.query(
        `UPDATE product_variant
            SET options = coalesce($3::jsonb, options), price = coalesce($4, price),
                currency = coalesce($5, currency), updated_at = now()
          WHERE sku = $1 AND product_id = $2`,
        [v.sku, productId, v.options ? JSON.stringify(v.options) : null, v.price ?? null, v.currency ?? null],
      );
      if (count === 0) unmatched.push(v);
    }
    if (unmatched.length === 0) return [];
    // Not ours: either another product's SKU (409) or a new variant, which needs a full definition.
    await assertSkusFree(
      m,
      unmatched.map((v) => v.sku),
    );
    const added: VariantInputDto[] = unmatched.map((v) => {
      if (v.price === undefined || v.currency === undefined) {
        throw new ProblemException(
          400,
          'validation-failed',
          `New variant ${v.sku} needs a price and a currency.`,
          {
            errors: [{ field: 'variants', message: `variant ${v.sku} needs price and currency` }],
          },
        );
      }
      return { sku: v.sku, options: v.options, price: v.price, currency: v.currency };
    });
    const [{ next }]: Array<{ next: number }> = await m.query(
      'SELECT coalesce(max(position) + 1, 0)::int AS next FROM product_variant WHERE product_id = $1',
      [productId],
    );
    await insertVariants(m, productId, added, next);
    return added.map((v) => v.sku);
  }
}

async function categoryIdOf(m: EntityManager, slug: string): Promise<string> {
  const [row]: Array<{ id: string }> = await m.query('SELECT id FROM category WHERE slug = $1', [slug]);
  if (!row) {
    throw new ProblemException(422, 'unknown-category', `No category with slug "${slug}"; create it first.`, {
      errors: [{ field: 'categorySlug', message: 'unknown category' }],
    });
  }
  return row.id;
}

async function assertSkusFree(m: EntityManager, skus: string[]): Promise<void> {
  const taken: Array<{ sku: string }> = await m.query(
    'SELECT sku FROM product_variant WHERE sku = ANY($1::text[])',
    [skus],
  );
  if (taken.length > 0) {
    const list = taken.map((t) => t.sku);
    throw conflict('sku-taken', `SKU already in use: ${list.join(', ')}.`, { skus: list });
  }
}

async function insertVariants(
  m: EntityManager,
  productId: string,
  variants: VariantInputDto[],
  firstPosition: number,
) {
  const rows = variants.map((v, i) => ({
    sku: v.sku,
    options: v.options ?? {},
    price: v.price,
    currency: v.currency,
    position: firstPosition + i,
    stock: v.stock ?? 0,
  }));
  await m
    .query(
      `INSERT INTO product_variant (product_id, sku, options, price, currency, position)
       SELECT $1, x.sku, x.options, x.price, x.currency, x.position
         FROM jsonb_to_recordset($2::jsonb) AS x(sku text, options jsonb, price int, currency text, position int)`,
      [productId, JSON.stringify(rows)],
    )
    .catch(rethrowDuplicate);
  await insertStock(m, rows);
}

/** Unique violations that slip past the pre-checks (a concurrent writer) are still a 409 naming the field. */
function rethrowDuplicate(err: unknown): never {
  if (isUniqueViolation(err)) {
    const constraint = (err as { driverError?: { constraint?: string }; constraint?: string }).driverError
      ?.constraint;
    if (constraint === 'product_slug_key')
      throw conflict('product-slug-taken', 'A product with this slug already exists.');
    if (constraint === 'product_variant_sku_key') throw conflict('sku-taken', 'A SKU is already in use.');
  }
  throw err;
}

function conflict(slug: string, detail: string, extensions: Record<string, unknown> = {}): ProblemException {
  return new ProblemException(409, slug, detail, extensions);
}

function notFound(id: string): ProblemException {
  return new ProblemException(404, 'product-not-found', `No product with id ${id}.`);
}
