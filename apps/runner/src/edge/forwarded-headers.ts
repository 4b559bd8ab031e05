import type { IncomingHttpHeaders } from 'node:http';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1 and the legacy ones proxies still see): they describe the
 * client's connection to the edge, not the request, so they never go further. undici refuses
 * several of them outright (`invalid keep-alive header`, `expect header not supported`), which
 * without this would turn one client header into a failed attempt on a healthy replica.
 */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'http2-settings',
];

/**
 * Headers only the platform itself may set: who a call is made for, the internal and fault
 * secrets, the internal deadline, what the edge adds. A public client sending them is forging
 * them (attribution in every log line, a deadline that makes replicas answer 504).
 */
export const INTERNAL_HEADERS = [
  'x-on-behalf-of',
  'x-internal-token',
  'x-fault-secret',
  'x-request-deadline',
  'x-served-by',
  'x-real-ip',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-prefix',
];

/**
 * The request headers to send upstream: without hop-by-hop headers and those the client named
 * in `Connection`, and, for public traffic, without the platform's internal headers.
 */
export function upstreamRequestHeaders(
  clientHeaders: IncomingHttpHeaders,
  headers: Record<string, unknown>,
  opts: { publicTraffic: boolean },
): Record<string, unknown> {
  const drop = new Set(HOP_BY_HOP);
  const named = clientHeaders.connection;
  if (typeof named === 'string') {
    for (const token of named.split(',')) drop.add(token.trim().toLowerCase());
  }
  if (opts.publicTraffic) for (const name of INTERNAL_HEADERS) drop.add(name);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!drop.has(name.toLowerCase())) out[name] = value;
  }
  return out;
}

/** Error codes meaning the replica (or the way to it) failed, not the request. */
const REPLICA_FAULT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'FST_REPLY_FROM_TIMEOUT',
  'FST_REPLY_FROM_HTTP_REQUEST_TIMEOUT',
  'FST_REPLY_FROM_GATEWAY_TIMEOUT',
  'FST_REPLY_FROM_SERVICE_UNAVAILABLE',
]);

export type AttemptError =
  | { kind: 'replica'; cause: string; timedOut: boolean }
  | { kind: 'request'; cause: string; status: 400 | 502 };

/**
 * Classifies an error from reply-from. Only connection errors and timeouts are the replica's
 * fault (they count towards ejection and may be retried elsewhere); anything else (undici
 * refusing the request, the client going away) would fail the same way on every replica.
 */
export function classifyAttemptError(error: unknown): AttemptError {
  const outer = error as { code?: string; name?: string; cause?: { code?: string; name?: string } };
  const cause = outer.cause?.code ?? outer.code ?? outer.name ?? 'unknown';
  const codes = [outer.code, outer.cause?.code].filter((c): c is string => !!c);
  if (codes.some((c) => REPLICA_FAULT_CODES.has(c))) {
    return { kind: 'replica', cause, timedOut: codes.some((c) => /TIMEOUT/i.test(c)) };
  }
  const refused = codes.some((c) => c === 'UND_ERR_INVALID_ARG' || c === 'UND_ERR_NOT_SUPPORTED');
  return { kind: 'request', cause, status: refused ? 400 : 502 };
}
