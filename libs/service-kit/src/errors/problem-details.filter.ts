import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mapError } from './error-mapping';
import { PROBLEM_CONTENT_TYPE } from './problem';

/**
 * The one place errors become responses. Fastify-level errors (bad JSON, wrong
 * content type, unknown route) reach the same `mapError` through the adapter's
 * error and not-found handlers, so every error has the same shape.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    sendProblem(exception, ctx.getRequest<FastifyRequest>(), ctx.getResponse<FastifyReply>(), this.logger);
  }
}

export function sendProblem(
  exception: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Logger,
): void {
  const { problem, headers, serverFault } = mapError(exception);
  problem.instance = request.url.split('?')[0];
  if (serverFault) {
    logger.error({ err: exception, status: problem.status, route: problem.instance }, 'request failed');
  }
  if (reply.sent) return;
  void reply.status(problem.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(problem);
}
