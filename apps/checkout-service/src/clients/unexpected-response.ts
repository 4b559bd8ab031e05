import { ServiceResponse } from '@ha-shop/resilience';

/**
 * An answer our client code does not expect (a 4xx meaning we sent something wrong, or a
 * wrong internal token). A bug or misconfiguration, not an outage: it surfaces as a 500
 * and is logged, rather than being retried or hidden behind a 503.
 */
export function unexpectedResponse(service: string, route: string, res: ServiceResponse<unknown>): Error {
  const body = res.body as { type?: string; detail?: string } | undefined;
  return new Error(
    `${service} answered ${route} with ${res.status} ${body?.type ?? ''} ${body?.detail ?? ''}`.trim(),
  );
}
