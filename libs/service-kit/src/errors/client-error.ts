import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** Node's default (16 KiB): the request line plus every header, as each service's HTTP parser counts it. */
export const SERVICE_MAX_HEADER_BYTES = 16 * 1024;

/**
 * Requests the HTTP parser refuses (oversized headers, malformed request lines) never reach a
 * route or an error filter; answer them as problem+json on the raw socket, as Fastify's default
 * does in plain JSON. Fastify's `clientErrorHandler`.
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const status =
    err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const slug = status === 431 ? 'headers-too-large' : status === 408 ? 'request-timeout' : 'bad-request';
  const body = JSON.stringify({
    type: `https://ha-shop.dev/problems/${slug}`,
    title: slug.replace(/-/g, ' '),
    status,
    detail: status === 431 ? 'The request line and headers are too large.' : 'The request is malformed.',
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
