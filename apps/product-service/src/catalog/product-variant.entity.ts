import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type VariantOptions = Record<string, string>;

@Entity({ name: 'product_variant' })
export class ProductVariantEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'product_id', type: 'uuid' })
  productId: string;

  @Column({ type: 'varchar', length: 64 })
  sku: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  options: VariantOptions;

  /** Minor units (cents) of `currency`. */
  @Column({ type: 'integer' })
  price: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'smallint', default: 0 })
  position: number;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3, insert: false, update: false })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', precision: 3, insert: false })
  updatedAt: Date;
}
