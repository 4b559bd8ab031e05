import { Column, Entity, PrimaryColumn } from 'typeorm';

export const RESERVATION_STATUSES = ['reserved', 'committed', 'released', 'expired'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

export interface ReservationItem {
  sku: string;
  quantity: number;
}

/**
 * A reserved line with the catalog data it was reserved at, stored with the reservation so a
 * replay answers the prices of the first answer. Reservations stored before prices were kept
 * have none (`price` absent); `price` null means the variant does not exist (any more).
 */
export interface PricedReservationItem extends ReservationItem {
  /** Integer minor units. */
  price?: number | null;
  currency?: string | null;
  /** The product's name; the variant's options tell the line apart. */
  name?: string | null;
  options?: Record<string, string> | null;
  /** The product was on sale (status active). */
  active?: boolean | null;
}

/** A reservation row as raw SQL returns it. */
export interface ReservationRow {
  reservation_key: string;
  status: ReservationStatus;
  items: PricedReservationItem[];
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
  committed_at: Date | null;
  released_at: Date | null;
}

@Entity({ name: 'reservation' })
export class ReservationEntity {
  @PrimaryColumn({ name: 'reservation_key', type: 'varchar', length: 100 })
  reservationKey: string;

  @Column({ type: 'varchar', length: 16 })
  status: ReservationStatus;

  /** Sorted by SKU: the canonical form that replays are compared against (sku and quantity only). */
  @Column({ type: 'jsonb' })
  items: PricedReservationItem[];

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
