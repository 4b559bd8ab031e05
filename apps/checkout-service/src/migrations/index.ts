import { OUTBOX_MIGRATIONS } from '@ha-shop/events';
import { CreateCheckout1731300000000 } from './1731300000000-create-checkout';
import { FenceIdempotency1731300000001 } from './1731300000001-fence-idempotency';
import { CardOnlyWhenParked1731300000002 } from './1731300000002-card-only-when-parked';
import { ChargeReconciliation1731300000003 } from './1731300000003-charge-reconciliation';

export const CHECKOUT_MIGRATIONS = [
  ...OUTBOX_MIGRATIONS,
  CreateCheckout1731300000000,
  FenceIdempotency1731300000001,
  CardOnlyWhenParked1731300000002,
  ChargeReconciliation1731300000003,
];
