import { DeclineCode, ProblemException, TEST_CARDS } from '@ha-shop/service-kit';

export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  /** Absent on a merchant-initiated charge of a stored card (checkout's retry of a parked payment). */
  cvc?: string;
}

/** What may be kept or hashed about a card: nothing that identifies the full number. */
export interface CardSummary {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export type Outcome = { status: 'authorised' } | { status: 'declined'; declineCode: DeclineCode };

const FIXED_DECLINES: Record<string, DeclineCode> = {
  [TEST_CARDS.declined]: 'card_declined',
  [TEST_CARDS.insufficientFunds]: 'insufficient_funds',
  [TEST_CARDS.expiredCard]: 'expired_card',
  [TEST_CARDS.incorrectCvc]: 'incorrect_cvc',
};

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function cardBrand(digits: string): string {
  if (/^4/.test(digits)) return 'visa';
  if (/^(5[1-5]|2(22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/.test(digits)) return 'mastercard';
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover';
  return 'unknown';
}

/**
 * Checks the number (format is already checked by the DTO) and reduces the card to what we
 * may keep. The error never echoes the number.
 */
export function summariseCard(card: CardInput): CardSummary {
  if (!passesLuhn(card.number)) {
    throw new ProblemException(422, 'invalid-card-number', 'The card number is not valid (checksum failed).');
  }
  return {
    brand: cardBrand(card.number),
    last4: card.number.slice(-4),
    expMonth: card.expMonth,
    expYear: card.expYear,
  };
}

export function isProcessingErrorCard(card: CardInput): boolean {
  return card.number === TEST_CARDS.processingError;
}

/** The simulated issuer's answer. `random` is injected so the rule stays a pure function. */
export function decideOutcome(
  card: CardInput,
  now: Date,
  declineRate: number,
  random: () => number,
): Outcome {
  const expired =
    card.expYear < now.getUTCFullYear() ||
    (card.expYear === now.getUTCFullYear() && card.expMonth < now.getUTCMonth() + 1);
  if (expired) return { status: 'declined', declineCode: 'expired_card' };
  const fixed = FIXED_DECLINES[card.number];
  if (fixed) return { status: 'declined', declineCode: fixed };
  if (card.number === TEST_CARDS.alwaysAuthorised) return { status: 'authorised' };
  if (declineRate > 0 && random() < declineRate) return { status: 'declined', declineCode: 'card_declined' };
  return { status: 'authorised' };
}
