/**
 * Card numbers with a fixed outcome, for tests and demos of any service that charges cards.
 * Same numbers as Stripe's test cards where Stripe has one. payment-service's simulated
 * provider decides by them; every other service's tests and the load journeys pay with them.
 *
 * Any other Luhn-valid 13–19 digit number is authorised, subject to PAYMENT_DECLINE_RATE.
 * Use any future expiry and any 3–4 digit CVC.
 */
export const TEST_CARDS = {
  /** Authorised (Visa). Subject to random declines when PAYMENT_DECLINE_RATE > 0. */
  visa: '4242424242424242',
  /** Authorised (Mastercard). Subject to random declines when PAYMENT_DECLINE_RATE > 0. */
  mastercard: '5555555555554444',
  /** Always authorised, even under PAYMENT_DECLINE_RATE: the control group for chaos runs. */
  alwaysAuthorised: '4000000000000077',
  /** Declined, declineCode `card_declined`. */
  declined: '4000000000000002',
  /** Declined, declineCode `insufficient_funds`. */
  insufficientFunds: '4000000000009995',
  /** Declined, declineCode `expired_card` (as is any card whose expiry month has passed). */
  expiredCard: '4000000000000069',
  /** Declined, declineCode `incorrect_cvc`. */
  incorrectCvc: '4000000000000127',
  /**
   * Provider processing error: 502 problem `payment-processing-error` with Retry-After. Retryable:
   * no payment is recorded and the Idempotency-Key is not consumed.
   */
  processingError: '4000000000000119',
} as const;

export const DECLINE_CODES = [
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
] as const;
export type DeclineCode = (typeof DECLINE_CODES)[number];
