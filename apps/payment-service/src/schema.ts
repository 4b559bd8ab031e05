import type { ServiceSchema } from '@ha-shop/database';
import { OUTBOX_ENTITIES, OUTBOX_MIGRATIONS } from '@ha-shop/events';
import { IdempotencyKeyEntity } from './idempotency/idempotency-key.entity';
import { CreatePayments1731100000000 } from './migrations/1731100000000-create-payments';
import { PaymentEntity } from './payments/payment.entity';
import { RefundEntity } from './payments/refund.entity';

export const SERVICE_NAME = 'payment-service';
export const SCHEMA: ServiceSchema = {
  entities: [PaymentEntity, RefundEntity, IdempotencyKeyEntity, ...OUTBOX_ENTITIES],
  migrations: [...OUTBOX_MIGRATIONS, CreatePayments1731100000000],
};
