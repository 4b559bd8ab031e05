import { ProblemException } from '@ha-shop/service-kit';

/** What a key stands for in the problem texts: "checkout" (public) or "request" (service to service). */
export type IdempotencySubject = 'checkout' | 'request';

export function keyReusedProblem(subject: IdempotencySubject): ProblemException {
  return new ProblemException(
    422,
    'idempotency-key-reused',
    `This Idempotency-Key was already used for a different ${subject}.`,
  );
}

/** Retry-After 1: a holder either answers within its request's deadline or loses its lease. */
export function inProgressProblem(subject: IdempotencySubject): ProblemException {
  return new ProblemException(
    409,
    'idempotency-in-progress',
    `A ${subject} with this Idempotency-Key is still being processed; retry shortly.`,
    {},
    { 'retry-after': '1' },
  );
}
