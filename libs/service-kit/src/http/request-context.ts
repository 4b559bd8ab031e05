import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { replyProblem } from '../errors/problem';
import { ON_BEHALF_OF_HEADER, readOnBehalfOf } from './on-behalf-of';

/** Header carrying the caller's absolute deadline (epoch milliseconds) to the next hop. */
export const DEADLINE_HEADER = 'x-request-deadline';

/** What work is done for: until when someone waits for it, and which end user it is for. */
export interface RequestScope {
  /** Absolute epoch ms after which nobody waits for the answer; unset when no one set a bound. */
  deadline?: number;
  /** The end user the work is done for (sent on as x-on-behalf-of); unset when the service acts as itself. */
  actingFor?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's absolute deadline (epoch ms) from `x-request-deadline`, when it sent one. */
    deadline?: number;
  }
}

const storage = new AsyncLocalStorage<RequestScope>();

/**
 * The one request context: set per inbound request from its headers (and the signed-in user),
 * read by the outbound clients, which never wait past its deadline and send its acting user on.
 * Code without an inbound request (workers) states its own with `run`.
 */
export const RequestContext = {
  current(): Readonly<RequestScope> {
    return storage.getStore() ?? {};
  },

  /** Runs `fn` in `scope` alone: what the surrounding request had does not carry over. */
  run<T>(scope: RequestScope, fn: () => T): T {
    return storage.run({ ...scope }, fn);
  },

  /** The earlier of `own` and the context's deadline: a call made for a caller must not outlive its wait. */
  deadline(own?: number): number | undefined {
    const theirs = storage.getStore()?.deadline;
    if (theirs === undefined) return own;
    return own === undefined ? theirs : Math.min(own, theirs);
  },

  /** Milliseconds left before the deadline (Infinity without one). */
  timeLeft(): number {
    const deadline = storage.getStore()?.deadline;
    return deadline === undefined ? Infinity : deadline - Date.now();
  },

  /** Runs `fn` for the same user with at most `budgetMs` more, and never past the caller's deadline. */
  within<T>(budgetMs: number, fn: () => T): T {
    return RequestContext.run(
      { ...RequestContext.current(), deadline: RequestContext.deadline(Date.now() + budgetMs) },
      fn,
    );
  },

  /**
   * Clean-up that must happen even when the caller has given up (release, refund, commit): for the
   * same user, with at least `budgetMs` from now whatever is left of the caller's deadline.
   */
  outlivingCaller<T>(budgetMs: number, fn: () => T): T {
    const current = RequestContext.current();
    const deadline = Math.max(current.deadline ?? 0, Date.now() + budgetMs);
    return RequestContext.run({ ...current, deadline }, fn);
  },

  /** Names the signed-in user of the request being handled (set where the caller is authenticated). */
  actAs(userId: string): void {
    const store = storage.getStore();
    if (store) store.actingFor = userId;
  },

  /** The headers an outbound call sends for the context (the deadline is the client's to combine). */
  onBehalfOfHeaders(): Record<string, string> {
    const user = storage.getStore()?.actingFor;
    return user ? { [ON_BEHALF_OF_HEADER]: user } : {};
  },
};

/**
 * Reads an incoming `x-request-deadline`. Undefined for absent or malformed values; never past
 * `maxMs` from now, so a bogus far-future header cannot disable the callee's own bounds.
 */
function parseRequestDeadline(value: string | string[] | undefined, maxMs = 60_000): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw || !/^\d{1,16}$/.test(raw.trim())) return undefined;
  return Math.min(Number(raw.trim()), Date.now() + maxMs);
}

/**
 * Gives every request its context from `x-request-deadline` and `x-on-behalf-of` (which only
 * internal callers can send: the edge drops them from public requests). A request whose caller
 * has already given up is answered 504 before any work starts, checked again before the handler
 * since reading the body or injected latency take time.
 */
export function installRequestContext(fastify: FastifyInstance): void {
  fastify.decorateRequest('deadline', undefined);
  fastify.addHook(
    'onRequest',
    (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      request.deadline = parseRequestDeadline(request.headers[DEADLINE_HEADER]);
      if (request.deadline !== undefined && request.deadline <= Date.now()) return void expired(reply);
      done();
    },
  );
  // Callback style: Fastify runs the later hooks, the guards and the handler from `done`, so they
  // and all they await see the store (the body is parsed by then, so no stream callback loses it).
  fastify.addHook(
    'preHandler',
    (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const { deadline } = request;
      if (deadline !== undefined && deadline <= Date.now()) return void expired(reply);
      storage.run({ deadline, actingFor: readOnBehalfOf(request.headers) }, done);
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
