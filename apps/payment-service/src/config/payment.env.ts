import { BaseEnv, EnvInt, EnvNumber } from '@ha-shop/service-kit';

/** payment-service settings: the simulated provider's behaviour and idempotency-key lifetimes. */
export class PaymentEnv extends BaseEnv {
  /** Added to every charge and refund (the simulated provider call), while the idempotency key is held. */
  @EnvInt(0, 60_000)
  PAYMENT_LATENCY_MS = 0;

  /** Fraction of charges declined at random (`card_declined`); the always-authorise test card is exempt. */
  @EnvNumber(0, 1)
  PAYMENT_DECLINE_RATE = 0;

  /** Fraction of /payments requests answered 503 + Retry-After before anything is read or written. */
  @EnvNumber(0, 1)
  PAYMENT_OUTAGE_RATE = 0;

  /** How long a completed idempotency key replays its response (Stripe: 24 h). */
  @EnvInt(1)
  IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;

  /**
   * An in-progress key older than this is treated as abandoned (its owner crashed) and may be
   * taken over by a retry. Must exceed the longest charge, including PAYMENT_LATENCY_MS.
   */
  @EnvInt(1000)
  IDEMPOTENCY_LOCK_TIMEOUT_MS = 90_000;

  /** How often expired keys are deleted. */
  @EnvInt(1000)
  IDEMPOTENCY_CLEANUP_INTERVAL_MS = 10 * 60 * 1000;
}
