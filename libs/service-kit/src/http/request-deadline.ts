import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { replyProblem } from '../errors/problem';

/** Header carrying the caller's absolute deadline (epoch milliseconds) to the next hop. */
export const DEADLINE_HEADER = 'x-request-deadline';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's absolute deadline (epoch ms) from `x-request-deadline`, when it sent one. */
    deadline?: number;
  }
}

const inbound = new AsyncLocalStorage<{ deadline: number }>();

/**
 * Reads an incoming `x-request-deadline` so a service can pass its caller's budget on.
 * Returns undefined for absent or malformed values; never extends past `maxMs` from now,
 * so a bogus far-future header cannot disable the callee's own bounds.
 */
export function parseRequestDeadline(
  value: string | string[] | undefined,
  maxMs = 60_000,
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw || !/^\d{1,16}$/.test(raw.trim())) return undefined;
  return Math.min(Number(raw.trim()), Date.now() + maxMs);
}

/** The deadline of the inbound request being handled, when its caller sent one (undefined outside a request). */
export function currentRequestDeadline(): number | undefined {
  return inbound.getStore()?.deadline;
}

/**
 * The earlier of `deadline` and the inbound request's deadline: an outbound call made for a
 * caller should not outlive the caller's wait. Work that must happen even when the caller has
 * gone (compensations, background jobs) should not use this.
 */
export function withinRequestDeadline(deadline: number): number;
export function withinRequestDeadline(deadline?: number): number | undefined;
export function withinRequestDeadline(deadline?: number): number | undefined {
  const callers = currentRequestDeadline();
  if (callers === undefined) return deadline;
  return deadline === undefined ? callers : Math.min(deadline, callers);
}

/**
 * Honours `x-request-deadline` on every route: a request whose caller has already given up is
 * answered 504 before any work starts (checked again before the handler, since reading the body
 * or injected latency take time); otherwise the deadline is `request.deadline` for handlers and
 * `currentRequestDeadline()` for code running on behalf of the request (e.g. outbound clients).
 */
export function installRequestDeadline(fastify: FastifyInstance): void {
  fastify.decorateRequest('deadline', undefined);
  fastify.addHook(
    'onRequest',
    (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      request.deadline = parseRequestDeadline(request.headers[DEADLINE_HEADER]);
      if (request.deadline !== undefined && request.deadline <= Date.now()) return void expired(reply);
      done();
    },
  );
  // Callback style: Fastify runs the later hooks and the handler from `done`, so they and all
  // they await see the store (the body is parsed by then, so no stream callback loses it).
  fastify.addHook(
    'preHandler',
    (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const { deadline } = request;
      if (deadline === undefined) return done();
      if (deadline <= Date.now()) return void expired(reply);
      inbound.run({ deadline }, done);
    },
  );
}

function expired(reply: FastifyReply): FastifyReply {
  return replyProblem(
    reply,
    504,
    'deadline-exceeded',
    `The caller's deadline (${DEADLINE_HEADER}) passed before the request could be handled.`,
  );
}
