import replyFrom from '@fastify/reply-from';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Agent } from 'undici';
import {
  answerClientError,
  DEADLINE_HEADER,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_METHODS,
  SERVICE_MAX_HEADER_BYTES,
} from '@ha-shop/service-kit';
import { Replica } from '../supervisor/replica';
import { ServicePool } from '../supervisor/service-pool';
import { classifyAttemptError, upstreamRequestHeaders } from './forwarded-headers';

export interface ProxyTarget {
  pool: ServicePool;
  /** Path (without query) to request from the replica. */
  path: string;
}

export interface ProxyOptions {
  /** Maps an incoming path (no query) to a pool, or undefined for a 404. */
  resolve(path: string): ProxyTarget | undefined;
  /** Per attempt, for GET/HEAD: past it the request is retried elsewhere (or answered 504). */
  attemptTimeoutMs: number;
  /** Per attempt for other methods, which may legitimately take longer (checkout). */
  writeTimeoutMs?: number;
  /** Extra routes (the edge's index page). */
  extraRoutes?: (app: FastifyInstance) => void;
  /**
   * Public traffic: the platform's internal headers (x-on-behalf-of, ...) are dropped, not
   * forwarded, and each attempt carries the edge's own deadline (x-request-deadline).
   */
  publicTraffic?: boolean;
}

/** What reply-from hands to onResponse with undici (its typings say http.IncomingMessage). */
interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  stream: NodeJS.ReadableStream;
}

const PROBLEM = 'application/problem+json';
/** Room for the headers the edge adds to a forwarded request. */
const EDGE_HEADER_HEADROOM_BYTES = 2048;

/**
 * A small reverse proxy on fastify + @fastify/reply-from over an undici Agent (one
 * keep-alive pool per replica). Per request it picks a replica from the pool; an
 * idempotent request (safe method, PUT, DELETE, or any request with an
 * Idempotency-Key) whose attempt fails at the connection level, times out, or meets
 * a replica that is shutting down (503 + Connection: close) is retried once on
 * another replica. Failed attempts feed the replica's passive health (ejection): connection
 * errors, timeouts and 5xx answers do; a request the client got wrong never does.
 */
export async function createProxyServer(opts: ProxyOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    // Malformed requests and oversized headers the HTTP parser refuses get problem+json too.
    clientErrorHandler: answerClientError,
    // Below the services' limit by what the edge adds when forwarding (request id, forwarded-for,
    // trace context), so an oversized request is refused here as a problem and never reaches a
    // replica that would refuse it in its own words.
    http: { maxHeaderSize: SERVICE_MAX_HEADER_BYTES - EDGE_HEADER_HEADROOM_BYTES },
    return503OnClosing: true,
    // On close, idle keep-alive connections go at once; requests in flight finish.
    forceCloseConnections: 'idle',
  });
  // Bodies pass through byte for byte, whatever their type, and stay available for a retry.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const agent = new Agent({
    connections: 128,
    pipelining: 1,
    // Shorter than the services' keep-alive (72 s), so the proxy, not the replica, closes idle sockets.
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 30_000,
    connect: { timeout: 1_000 },
  });
  await app.register(replyFrom, { undici: agent, destroyAgent: true, disableRequestLogging: true });
  opts.extraRoutes?.(app);
  // Whatever the edge itself refuses (body too large, a method it does not route) is problem+json too.
  app.setErrorHandler((err: Error & { statusCode?: number }, _request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    return problem(
      reply,
      status,
      status === 413 ? 'payload-too-large' : status === 500 ? 'error' : 'bad-request',
      err.message,
    );
  });
  app.setNotFoundHandler((request, reply) =>
    problem(reply, 404, 'not-found', `No public route for ${request.method} ${request.url.split('?')[0]}`),
  );

  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/*',
    handler: (request, reply) => {
      const path = request.url.split('?')[0];
      const target = opts.resolve(path);
      if (!target) {
        return problem(reply, 404, 'not-found', `No public route for ${path}`);
      }
      forward(request, reply, target, opts);
      return reply;
    },
  });
  return app;
}

function forward(
  request: FastifyRequest,
  reply: FastifyReply,
  target: ProxyTarget,
  opts: ProxyOptions,
): void {
  const method = request.method;
  const retryable = IDEMPOTENT_METHODS.has(method) || request.headers[IDEMPOTENCY_KEY_HEADER] !== undefined;
  const safe = method === 'GET' || method === 'HEAD';
  const timeout = safe ? opts.attemptTimeoutMs : (opts.writeTimeoutMs ?? 20_000);
  const requestId = (request.headers['x-request-id'] as string | undefined)?.slice(0, 128) ?? randomUUID();
  const body = request.body instanceof Buffer && request.body.length > 0 && !safe ? request.body : undefined;
  const tried = new Set<Replica>();

  const attempt = (): void => {
    const replica = target.pool.pick(tried);
    if (!replica) {
      const detail =
        tried.size > 0
          ? `${target.pool.name}: the attempt failed and no other replica is available`
          : `${target.pool.name} has no ready replica`;
      problem(reply, 503, 'no-ready-replica', detail, { 'retry-after': '1' });
      return;
    }
    tried.add(replica);
    const settle = replica.traffic.requestStarted();
    // A client that goes away before the answer: reply-from skips our hooks then.
    reply.raw.once('close', settle);
    const retryOnce = () => retryable && tried.size < 2 && !reply.sent;

    try {
      reply.from(target.path, {
        getUpstream: () => replica.origin,
        timeout,
        // We decide about retries (on another replica); reply-from's own would hit the same one.
        retryDelay: () => null,
        ...(body ? { body, contentType: request.headers['content-type'] ?? 'application/octet-stream' } : {}),
        rewriteRequestHeaders: (_req, headers) => ({
          ...upstreamRequestHeaders(request.headers, headers, { publicTraffic: opts.publicTraffic ?? false }),
          // The edge is the trust boundary: replace, never append to, what the client claimed.
          'x-forwarded-for': request.ip,
          'x-forwarded-proto': 'http',
          'x-forwarded-host': request.headers.host ?? '',
          'x-request-id': requestId,
          // Past this attempt's timeout the edge has answered (or retried elsewhere): no replica
          // should work on it longer. The client's own value was dropped above.
          ...(opts.publicTraffic ? { [DEADLINE_HEADER]: String(Date.now() + timeout) } : {}),
        }),
        rewriteHeaders: (headers) => ({ ...headers, 'x-served-by': replica.id }),
        onResponse: (_req, rep, raw) => {
          settle();
          const res = raw as unknown as UpstreamResponse;
          const closing =
            res.statusCode === 503 && String(res.headers.connection ?? '').toLowerCase() === 'close';
          if (closing) {
            replica.traffic.recordFailure('503 while shutting down');
            if (retryOnce()) {
              res.stream.resume();
              for (const name of Object.keys(res.headers)) rep.removeHeader(name);
              rep.removeHeader('x-served-by');
              attempt();
              return;
            }
          } else if (res.statusCode >= 500 && res.statusCode !== 503) {
            replica.traffic.recordFailure(`answered ${res.statusCode}`);
          } else if (res.statusCode !== 503) {
            // A 503 the replica chose to send (a dependency is out, it sheds load) says nothing
            // about its own health: readiness decides about that one.
            replica.traffic.recordSuccess();
          }
          void rep.send(res.stream);
        },
        onError: (rep, { error }) => {
          settle();
          const failure = classifyAttemptError(error);
          if (failure.kind === 'request') {
            // The same request would fail on every replica: not a replica failure, not retried.
            problem(
              rep as unknown as FastifyReply,
              failure.status,
              failure.status === 400 ? 'bad-request' : 'bad-gateway',
              failure.status === 400
                ? `The request cannot be forwarded (${failure.cause}).`
                : `${replica.id} could not be reached for this request (${failure.cause})`,
            );
            return;
          }
          replica.traffic.recordFailure(failure.cause);
          if (retryOnce()) {
            attempt();
            return;
          }
          problem(
            rep as unknown as FastifyReply,
            failure.timedOut ? 504 : 502,
            failure.timedOut ? 'upstream-timeout' : 'bad-gateway',
            `${replica.id} ${failure.timedOut ? 'did not answer in time' : `failed (${failure.cause})`}`,
          );
        },
      });
    } catch (err) {
      // reply-from refuses some paths outright (e.g. dot segments) before any I/O.
      settle();
      problem(
        reply,
        (err as { statusCode?: number }).statusCode ?? 400,
        'bad-request',
        (err as Error).message,
      );
    }
  };
  reply.header('x-request-id', requestId);
  attempt();
}

function problem(
  reply: FastifyReply,
  status: number,
  slug: string,
  detail: string,
  headers: Record<string, string> = {},
) {
  if (reply.sent) return reply;
  return reply
    .code(status)
    .headers(headers)
    .type(PROBLEM)
    .send({ type: `https://ha-shop.dev/problems/${slug}`, title: slug.replace(/-/g, ' '), status, detail });
}
