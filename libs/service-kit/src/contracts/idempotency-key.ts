import { ProblemException } from '../errors/problem';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set to `true` on a response replayed for a repeated key. Lower case: HTTP/2 and Fastify's form. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';
/** The longest key any service accepts: the common limit of payment APIs, so a client's keys fit everywhere. */
export const IDEMPOTENCY_KEY_MAX = 255;

// Visible ASCII: keys are usually UUIDs or `<purpose>-<id>`; anything else is more likely a bug.
const VALID_KEY = new RegExp(`^[\\x21-\\x7e]{1,${IDEMPOTENCY_KEY_MAX}}$`);

/** The request's `Idempotency-Key` header, required and bounded; a 400 problem otherwise. */
export function readIdempotencyKey(value: string | string[] | undefined): string {
  if (value === undefined) {
    throw new ProblemException(
      400,
      'idempotency-key-required',
      'This request needs an Idempotency-Key header.',
    );
  }
  if (typeof value !== 'string' || !VALID_KEY.test(value)) {
    throw new ProblemException(
      400,
      'invalid-idempotency-key',
      `The Idempotency-Key header must be one value of 1 to ${IDEMPOTENCY_KEY_MAX} visible ASCII characters.`,
    );
  }
  return value;
}

/**
 * Methods whose repetition has the effect of one request (RFC 9110 §9.2.2), so the edge and the
 * service clients may retry them; anything else only with an Idempotency-Key.
 */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
