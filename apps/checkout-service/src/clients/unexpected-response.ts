import { ServiceResponse } from '@ha-shop/resilience';

/**
 * An answer our client code cannot use: a 4xx meaning we sent something wrong or reached
 * something that is not the service (a proxy's 404), a wrong internal token, a body cut short or
 * of the wrong shape. Logged as an error (it may be a bug or a misconfiguration), but to the
 * caller it is what it is: the dependency failed, so a 503 with Retry-After, never a 500.
 */
export class UnexpectedDependencyResponse extends Error {
  constructor(
    readonly service: string,
    readonly route: string,
    readonly status: number,
    detail: string,
  ) {
    super(`${service} answered ${route} with ${status} ${detail}`.trim());
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
