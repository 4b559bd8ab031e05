import { ServiceResponse } from '@ha-shop/resilience';
import { ServiceUnavailableProblem } from '@ha-shop/service-kit';

/**
 * An answer our client code cannot use: a 4xx meaning we sent something wrong or reached
 * something that is not the service (a proxy's 404), a wrong internal token, a body cut short or
 * of the wrong shape. Logged as an error (it may be a bug or a misconfiguration), but to the
 * caller it is what it is: the dependency failed. So it is a 503 problem with Retry-After itself,
 * whichever route it escapes from: never a 500. What was wrong stays in `diagnosis`, for the
 * log, not in the public detail.
 */
export class UnexpectedDependencyResponse extends ServiceUnavailableProblem {
  readonly diagnosis: string;

  constructor(
    readonly service: string,
    readonly route: string,
    readonly upstreamStatus: number,
    detail: string,
  ) {
    const name = service.replace(/-service$/, '');
    super(`${name} answered unexpectedly; retry shortly.`, 2, {
      dependency: name,
      reason: 'unexpected-response',
    });
    this.diagnosis = `${service} answered ${route} with ${upstreamStatus} ${detail}`.trim();
  }
}

export function unexpectedResponse(
  service: string,
  route: string,
  res: ServiceResponse<unknown>,
): UnexpectedDependencyResponse {
  const body = res.body as { type?: string; detail?: string } | string | undefined;
  const detail =
    typeof body === 'object' && body !== null
      ? `${body.type ?? ''} ${body.detail ?? ''}`
      : `(unusable body: ${String(body ?? '').slice(0, 80)})`;
  return new UnexpectedDependencyResponse(service, route, res.status, detail.trim());
}
