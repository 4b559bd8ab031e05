import { describe, expect, it } from 'vitest';
import { EnvValidationError, validateEnv } from '@ha-shop/service-kit';
import { CheckoutEnv, RESERVATION_TTL_CAP_SECONDS, reservationTtlSeconds } from '../src/config/checkout.env';

const BASE = { DATABASE_URL: 'postgres://checkout@127.0.0.1:5432/checkout' };
// With the defaults (8 s checkout, 600 s margin), the longest payment retry deadline that still fits the cap.
const LONGEST_DEADLINE_MS = (RESERVATION_TTL_CAP_SECONDS - 600) * 1000 - 8000;

describe('CheckoutEnv: the reservation must outlive a parked order', () => {
  it('accepts the defaults and timings up to the reservation TTL cap', () => {
    expect(reservationTtlSeconds(validateEnv(CheckoutEnv, BASE))).toBe(1208);
    const env = validateEnv(CheckoutEnv, { ...BASE, PAYMENT_RETRY_DEADLINE_MS: String(LONGEST_DEADLINE_MS) });
    expect(reservationTtlSeconds(env)).toBe(RESERVATION_TTL_CAP_SECONDS);
  });

  it.each([
    { PAYMENT_RETRY_DEADLINE_MS: String(LONGEST_DEADLINE_MS + 1) },
    { PAYMENT_RETRY_DEADLINE_MS: '86400000' },
    { PAYMENT_RETRY_DEADLINE_MS: '86000000', RESERVATION_TTL_MARGIN_SECONDS: '3600' },
  ])('refuses at start, naming the variables: %o', (extra) => {
    const start = () => validateEnv(CheckoutEnv, { ...BASE, ...extra });
    expect(start).toThrow(EnvValidationError);
    expect(start).toThrow(
      /CHECKOUT_DEADLINE_MS \+ PAYMENT_RETRY_DEADLINE_MS \+ RESERVATION_TTL_MARGIN_SECONDS must fit the reservation TTL cap of 86400 s/,
    );
  });
});
