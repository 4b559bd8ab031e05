import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { DeclineCode } from '@ha-shop/service-kit';

export type PaymentStatus = 'authorised' | 'declined';

/** One charge attempt. Holds only the card's brand and last four digits, never the number or CVC. */
@Entity({ name: 'payment' })
export class PaymentEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ name: 'customer_id', type: 'uuid', nullable: true })
  customerId: string | null;

  @Column({ type: 'varchar', length: 20 })
  status: PaymentStatus;

  @Column({ name: 'decline_code', type: 'varchar', length: 50, nullable: true })
  declineCode: DeclineCode | null;

  @Column({ type: 'integer' })
  amount: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'refunded_amount', type: 'integer', default: 0 })
  refundedAmount: number;

  @Column({ name: 'card_brand', type: 'varchar', length: 20 })
  cardBrand: string;

  @Column({ name: 'card_last4', type: 'char', length: 4 })
  cardLast4: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
