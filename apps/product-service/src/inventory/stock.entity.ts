import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Stock of one SKU. `available` can be sold or reserved; `reserved` is held by live
 * reservations; `sold` counts committed units. Only ever changed by single atomic
 * UPDATE statements guarded in SQL (never read-modify-write), and CHECKed >= 0.
 */
@Entity({ name: 'stock' })
export class StockEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  sku: string;

  @Column({ type: 'integer' })
  available: number;

  @Column({ type: 'integer' })
  reserved: number;

  @Column({ type: 'integer' })
  sold: number;

  @Column({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
