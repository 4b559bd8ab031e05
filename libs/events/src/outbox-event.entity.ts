import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One domain event, written in the same transaction as the change it describes.
 * The feed pages by (txid, seq), where `txid` (xid8, defaulted to the writing transaction's
 * id, see OutboxTxid1731300000015) is read with SQL only: TypeORM has no xid8 column type.
 */
@Entity({ name: 'outbox_event' })
export class OutboxEventEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'bigint', insert: false, update: false })
  seq: string;

  @Column({ type: 'varchar', length: 100 })
  type: string;

  @Column({ name: 'aggregate_id', type: 'varchar', length: 200 })
  aggregateId: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  /** W3C trace context of the request that caused the event, so consumers can link to it. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  traceparent: string | null;

  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;
}
