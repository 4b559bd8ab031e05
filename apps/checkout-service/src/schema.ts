import type { ServiceSchema } from '@ha-shop/database';
import { OUTBOX_ENTITIES, OUTBOX_MIGRATIONS } from '@ha-shop/events';
import { CreateCheckout1731300000000 } from './migrations/1731300000000-create-checkout';
import { FenceIdempotency1731300000001 } from './migrations/1731300000001-fence-idempotency';
import { CardOnlyWhenParked1731300000002 } from './migrations/1731300000002-card-only-when-parked';
import { ChargeReconciliation1731300000003 } from './migrations/1731300000003-charge-reconciliation';
import { IdempotencyKey2551731300000004 } from './migrations/1731300000004-idempotency-key-255';
import { SharedIdempotency1731300000005 } from './migrations/1731300000005-shared-idempotency';

export const SERVICE_NAME = 'checkout-service';

/** Checkout writes its own tables with SQL only; the outbox is the one TypeORM entity. */
export const SCHEMA: ServiceSchema = {
  entities: OUTBOX_ENTITIES,
  migrations: [
    ...OUTBOX_MIGRATIONS,
    CreateCheckout1731300000000,
    FenceIdempotency1731300000001,
    CardOnlyWhenParked1731300000002,
    ChargeReconciliation1731300000003,
    IdempotencyKey2551731300000004,
    SharedIdempotency1731300000005,
  ],
};
