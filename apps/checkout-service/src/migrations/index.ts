import { OUTBOX_MIGRATIONS } from '@ha-shop/events';
import { CreateCheckout1731300000000 } from './1731300000000-create-checkout';

export const CHECKOUT_MIGRATIONS = [...OUTBOX_MIGRATIONS, CreateCheckout1731300000000];
