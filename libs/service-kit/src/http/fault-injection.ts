import { timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { replyProblem as problem } from '../errors/problem';

/** What the switch injects into every request except probes and the switch itself. */
export interface FaultSettings {
  latencyMs: number;
  /** 0..1: share of requests answered 503 `fault-injected`. */
  errorRate: number;
}

const PATH = '/internal/faults';
const MAX_LATENCY_MS = 60_000;

/**
 * A generic chaos switch (`PUT /internal/faults {latencyMs, errorRate}` with header
 * `x-fault-secret`), present only when FAULT_INJECTION_SECRET is set. A service that
 * routes `PUT /internal/faults` itself (payment-service's richer provider simulation)
 * keeps its own: this hook only answers that path when no route matched it.
 */
export function installFaultInjection(fastify: FastifyInstance, secret: string): void {
  const settings: FaultSettings = { latencyMs: 0, errorRate: 0 };
  const expected = Buffer.from(secret);

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    if (path === PATH || path.startsWith('/health/') || path === '/metrics') return;
    if (settings.latencyMs > 0) await sleep(settings.latencyMs);
    if (settings.errorRate > 0 && Math.random() < settings.errorRate) {
      return problem(reply, 503, 'fault-injected', 'Injected failure (fault-injection switch)', {
        'retry-after': '1',
      });
    }
  });

  // preHandler, because the body is parsed by then; only for requests no route claimed.
  fastify.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.is404 || request.url.split('?')[0] !== PATH) return;
    if (request.method !== 'GET' && request.method !== 'PUT') return;
    const given = Buffer.from(String(request.headers['x-fault-secret'] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return problem(reply, 403, 'forbidden', 'Missing or wrong x-fault-secret');
    }
    if (request.method === 'PUT') {
      const parsed = parseSettings(request.body);
      if (typeof parsed === 'string') return problem(reply, 400, 'validation-failed', parsed);
      Object.assign(settings, parsed);
      request.log.warn({ faults: settings }, 'fault injection changed');
    }
    return reply.status(200).header('cache-control', 'no-store').send(settings);
  });
}

/** Fields left out keep their current value (as payment-service's own switch does). */
function parseSettings(body: unknown): Partial<FaultSettings> | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => k !== 'latencyMs' && k !== 'errorRate');
  if (unknown.length > 0) return `unknown fields: ${unknown.join(', ')}`;
  const { latencyMs, errorRate } = input;
  const validLatency =
    typeof latencyMs === 'number' &&
    Number.isInteger(latencyMs) &&
    latencyMs >= 0 &&
    latencyMs <= MAX_LATENCY_MS;
  if (latencyMs !== undefined && !validLatency)
    return `latencyMs must be an integer between 0 and ${MAX_LATENCY_MS}`;
  const validRate =
    typeof errorRate === 'number' && Number.isFinite(errorRate) && errorRate >= 0 && errorRate <= 1;
  if (errorRate !== undefined && !validRate) return 'errorRate must be a number between 0 and 1';
  return {
    ...(latencyMs !== undefined ? { latencyMs: latencyMs as number } : {}),
    ...(errorRate !== undefined ? { errorRate: errorRate as number } : {}),
  };
}
