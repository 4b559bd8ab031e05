import { Logger } from '@nestjs/common';
import { DependencyUnavailableError, isDependencyUnavailable } from '@ha-shop/resilience';
import { mapError, ProblemException, ServiceUnavailableProblem } from '@ha-shop/service-kit';
import { UnexpectedDependencyResponse } from '../clients/unexpected-response';
import { OrderView, toOrderView } from '../orders/order.view';
import { SagaAbort, SagaOutcome } from './saga-runner';

// What a checkout's outcome or failure becomes over HTTP: the one place that decides 201, 202,
// a refusal's 4xx, or 503 + Retry-After.

export interface CheckoutResponse {
  status: 201 | 202;
  body: { order: OrderView; status?: 'PENDING_PAYMENT'; message?: string };
  replayed: boolean;
}

export function toResponse(outcome: SagaOutcome): Omit<CheckoutResponse, 'replayed'> {
  const order = toOrderView(outcome.order);
  if (outcome.kind === 'parked') {
    return { status: 202, body: { order, status: 'PENDING_PAYMENT', message: 'payment processing' } };
  }
  return { status: 201, body: { order } };
}

/**
 * Dependency outages become 503 + Retry-After (also when the deadline ran out); saga refusals
 * their problem. Whatever else failed inside the checkout (an answer from a dependency that cannot
 * be used, something unforeseen) is a 503 too: the client retries with the same Idempotency-Key,
 * which is safe, while a 500 says "do not bother". Client errors keep their 4xx.
 */
export function toProblem(err: unknown, logger: Logger): unknown {
  if (err instanceof SagaAbort && err.problem) return err.problem;
  if (isDependencyUnavailable(err)) return unavailable(err);
  if (err instanceof UnexpectedDependencyResponse) {
    // Already the 503 the client gets; logged here, as an error, because it may be our bug.
    logger.error({ err }, 'checkout failed on an unusable answer from a dependency');
    return err;
  }
  if (mapError(err).problem.status !== 500) return err;
  logger.error({ err }, 'checkout failed unexpectedly');
  return new ServiceUnavailableProblem('Checkout could not be completed right now; retry shortly.', 2);
}

/** A 5xx answer: the client is told to retry the same request, not to change it. */
export function isOutage(problem: unknown): boolean {
  return mapError(problem).problem.status >= 500;
}

function unavailable(err: DependencyUnavailableError): ProblemException {
  const seconds = Math.max(1, Math.ceil((err.retryAfterMs ?? 2000) / 1000));
  const service = err.dependency.split(/→|->/).pop() ?? err.dependency;
  return new ServiceUnavailableProblem(
    `Checkout is unavailable right now (${service} ${err.reason}); retry shortly.`,
    seconds,
    {
      dependency: service,
      reason: err.reason,
    },
  );
}
