import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const PRODUCT_STATUSES = ['draft', 'active', 'archived'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** `search_vector` (generated) is deliberately not mapped: only SQL in SearchService reads it. */
@Entity({ name: 'product' })
export class ProductEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  slug: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ name: 'category_id', type: 'uuid' })
  categoryId: string;

  /** Maintained by a trigger from `category.name`. */
  @Column({ name: 'category_name', type: 'varchar', length: 100, insert: false, update: false })
  categoryName: string;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: ProductStatus;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  images: string[];

  /** Maintained by a trigger from the variants' prices. */
  @Column({ name: 'min_price', type: 'integer', insert: false, update: false })
  minPrice: number;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3, insert: false, update: false })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', precision: 3, insert: false })
  updatedAt: Date;
}
