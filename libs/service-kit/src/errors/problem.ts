import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** RFC 9457 problem details, as every service answers errors. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Field-level messages for validation failures. */
  errors?: Array<{ field: string; message: string }>;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://ha-shop.dev/problems/';

export function problemType(slug: string): string {
  return TYPE_BASE + slug;
}

/**
 * Throw this to answer with a specific problem type (e.g. `out-of-stock`), so clients
 * can branch on `type` rather than parsing `detail` text.
 */
export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus | number,
    readonly slug: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    /** Extra response headers, e.g. Retry-After on 503. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail, status);
  }
}

/** 503 with Retry-After: the standard "try again shortly" answer for degraded dependencies. */
export class ServiceUnavailableProblem extends ProblemException {
  constructor(detail: string, retryAfterSeconds = 2, extensions: Record<string, unknown> = {}) {
    super(503, 'service-unavailable', detail, extensions, { 'retry-after': String(retryAfterSeconds) });
  }
}

/**
 * Answers a problem straight from a Fastify hook, for the few answers given before Nest's
 * filter can see the request (fault injection, an expired caller deadline).
 */
export function replyProblem(
  reply: FastifyReply,
  status: number,
  slug: string,
  detail: string,
  headers: Record<string, string> = {},
): FastifyReply {
  const problem: ProblemDetails = {
    type: problemType(slug),
    title: slug.replace(/-/g, ' '),
    status,
    detail,
    instance: reply.request.url.split('?')[0],
  };
  return reply.status(status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(problem);
}
