import { Transform } from 'class-transformer';
import { IsBoolean, IsUrl, Matches, ValidateBy } from 'class-validator';
import { BaseEnv, envBool, EnvInt, RequiredInProduction } from '@ha-shop/service-kit';

/** product-service refuses reservations with a longer TTL (POST /internal/inventory/reservations). */
export const RESERVATION_TTL_CAP_SECONDS = 86_400;

type ReservationTimings = Pick<
  CheckoutEnv,
  'CHECKOUT_DEADLINE_MS' | 'PAYMENT_RETRY_DEADLINE_MS' | 'RESERVATION_TTL_MARGIN_SECONDS'
>;

/**
 * The stock of a parked order must outlive the order: the checkout, the payment retry deadline,
 * then the margin (of which the worker may spend half reconciling, see reconcileGraceSeconds).
 */
export function reservationTtlSeconds(env: ReservationTimings): number {
  const seconds = Math.ceil((env.CHECKOUT_DEADLINE_MS + env.PAYMENT_RETRY_DEADLINE_MS) / 1000);
  return seconds + env.RESERVATION_TTL_MARGIN_SECONDS;
}

/**
 * How long past its payment deadline a parked order waits for payment-service to say whether it
 * was charged, before it is cancelled anyway. Half the reservation margin, so the reservation
 * still outlives the order by the other half.
 */
export function reconcileGraceSeconds(env: ReservationTimings): number {
  return Math.floor(env.RESERVATION_TTL_MARGIN_SECONDS / 2);
}

/**
 * Refuses timings whose reservation TTL would exceed product-service's cap: capping it silently
 * would let product-service sweep the stock of an order still waiting for its payment.
 */
function FitsReservationTtlCap(): PropertyDecorator {
  return ValidateBy({
    name: 'fitsReservationTtlCap',
    validator: {
      validate: (_value, args) =>
        reservationTtlSeconds(args!.object as ReservationTimings) <= RESERVATION_TTL_CAP_SECONDS,
      defaultMessage: (args) =>
        `CHECKOUT_DEADLINE_MS + PAYMENT_RETRY_DEADLINE_MS + RESERVATION_TTL_MARGIN_SECONDS must fit the ` +
        `reservation TTL cap of ${RESERVATION_TTL_CAP_SECONDS} s (now ` +
        `${reservationTtlSeconds(args!.object as ReservationTimings)} s); lower one of them`,
    },
  });
}

export class CheckoutEnv extends BaseEnv {
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PRODUCT_SERVICE_URL = 'http://127.0.0.1:3001';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PAYMENT_SERVICE_URL = 'http://127.0.0.1:3003';

  /**
   * 32-byte key (base64 or 64 hex digits) that encrypts the card of an order parked while
   * payment-service is out. Required in production; elsewhere, without it, each process makes
   * its own, so parked payments cannot survive a restart (they are then cancelled at their deadline).
   */
  @RequiredInProduction(
    'without it each process would make its own card-encryption key, and payments parked on one replica could not be charged by another or after a restart',
  )
  @Matches(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, {
    message: 'PAYMENT_DATA_KEY must be 32 bytes as base64 or hex',
  })
  PAYMENT_DATA_KEY?: string;

  /** Whole-checkout budget: past it the request answers (503 or 202), never hangs. */
  @EnvInt(500, 60_000)
  CHECKOUT_DEADLINE_MS = 8000;

  /** Budget for refreshing prices on a cart read; past it the stored snapshot is served as stale. */
  @EnvInt(100, 30_000)
  CART_PRICE_DEADLINE_MS = 2000;

  @Transform(envBool(true))
  @IsBoolean()
  PAYMENT_RETRY_WORKER_ENABLED = true;

  /** How often each replica looks for parked payments and unsettled reservations. */
  @EnvInt(20, 3_600_000)
  PAYMENT_RETRY_INTERVAL_MS = 2000;

  @EnvInt(10, 3_600_000)
  PAYMENT_RETRY_BASE_MS = 2000;

  @EnvInt(10, 3_600_000)
  PAYMENT_RETRY_MAX_BACKOFF_MS = 60_000;

  /** A parked order still unpaid after this long is cancelled and its stock released. */
  @EnvInt(100, 86_400_000)
  PAYMENT_RETRY_DEADLINE_MS = 600_000;

  @EnvInt(1, 1000)
  PAYMENT_RETRY_BATCH_SIZE = 20;

  /**
   * Reservations outlive the payment retry deadline by this much, so stock is never swept from a
   * parked order. Half of it is the reconciliation grace (see reconcileGraceSeconds).
   */
  @EnvInt(0, 86_400)
  @FitsReservationTtlCap()
  RESERVATION_TTL_MARGIN_SECONDS = 600;

  /** How long a concurrent replay of an Idempotency-Key waits for the first request before answering 409. */
  @EnvInt(0, 30_000)
  IDEMPOTENCY_WAIT_MS = 3000;

  /** Idempotency records count this long after their first claim (a client retrying later than that starts anew). */
  @EnvInt(1, 24 * 365)
  IDEMPOTENCY_RETENTION_HOURS = 24;

  @EnvInt(1, 200)
  DB_POOL_SIZE = 20;
}
