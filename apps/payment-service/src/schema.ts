import type { ServiceSchema } from '@ha-shop/database';
import { OUTBOX_ENTITIES, OUTBOX_MIGRATIONS } from '@ha-shop/events';
import { CreatePayments1731100000000 } from './migrations/1731100000000-create-payments';
import { SharedIdempotency1731100000001 } from './migrations/1731100000001-shared-idempotency';
import { PaymentEntity } from './payments/payment.entity';
import { RefundEntity } from './payments/refund.entity';

export const SERVICE_NAME = 'payment-service';
export const SCHEMA: ServiceSchema = {
  entities: [PaymentEntity, RefundEntity, ...OUTBOX_ENTITIES],
  migrations: [...OUTBOX_MIGRATIONS, CreatePayments1731100000000, SharedIdempotency1731100000001],
};
