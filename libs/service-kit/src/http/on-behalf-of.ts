import type { IncomingHttpHeaders } from 'node:http';

/**
 * Header naming the end user a service-to-service call is made for (a user id). It is the
 * caller's claim, for attribution in the callee's logs, never an authorization: internal routes
 * are authorized by the internal token, and a call without it is the caller acting as itself.
 */
export const ON_BEHALF_OF_HEADER = 'x-on-behalf-of';

const USER_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The user an inbound call is made for, if it names one in a sane shape (it ends up in log lines). */
export function readOnBehalfOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers[ON_BEHALF_OF_HEADER];
  return typeof value === 'string' && USER_ID.test(value) ? value : undefined;
}
