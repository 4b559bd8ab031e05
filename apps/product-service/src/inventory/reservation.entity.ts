import { Column, Entity, PrimaryColumn } from 'typeorm';

export const RESERVATION_STATUSES = ['reserved', 'committed', 'released', 'expired'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

export interface ReservationItem {
  sku: string;
  quantity: number;
}

@Entity({ name: 'reservation' })
export class ReservationEntity {
  @PrimaryColumn({ name: 'reservation_key', type: 'varchar', length: 100 })
  reservationKey: string;

  @Column({ type: 'varchar', length: 16 })
  status: ReservationStatus;

  /** Sorted by SKU: the canonical form that replays are compared against. */
  @Column({ type: 'jsonb' })
  items: ReservationItem[];

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Column({ name: 'committed_at', type: 'timestamptz', precision: 3, nullable: true })
  committedAt: Date | null;

  @Column({ name: 'released_at', type: 'timestamptz', precision: 3, nullable: true })
  releasedAt: Date | null;
}
