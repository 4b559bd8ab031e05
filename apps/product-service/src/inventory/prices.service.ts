import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PriceItemDto, PricesResponseDto } from './dto/inventory.dto';

/** Authoritative prices for checkout: what a cart line costs and whether it can be bought right now. */
@Injectable()
export class PricesService {
  constructor(private readonly dataSource: DataSource) {}

  async lookup(skus: string[]): Promise<PricesResponseDto> {
    const rows: Array<{
      sku: string;
      product_id: string;
      product_slug: string;
      product_name: string;
      status: string;
      options: Record<string, string>;
      price: number;
      currency: string;
      available: number;
    }> = await this.dataSource.query(
      `SELECT v.sku, p.id AS product_id, p.slug AS product_slug, p.name AS product_name, p.status,
              v.options, v.price, v.currency, coalesce(s.available, 0) AS available
         FROM product_variant v JOIN product p ON p.id = v.product_id LEFT JOIN stock s ON s.sku = v.sku
        WHERE v.sku = ANY($1::text[])`,
      [skus],
    );
    const bySku = new Map(rows.map((r) => [r.sku, r]));
    const items: PriceItemDto[] = [];
    const missing: string[] = [];
    for (const sku of skus) {
      const r = bySku.get(sku);
      if (!r) {
        missing.push(sku);
        continue;
      }
      items.push({
        sku,
        productId: r.product_id,
        productSlug: r.product_slug,
        name: r.product_name,
        options: r.options,
        price: r.price,
        currency: r.currency,
        available: r.available,
        inStock: r.available > 0,
        active: r.status === 'active',
      });
    }
    return { items, missing };
  }
}
