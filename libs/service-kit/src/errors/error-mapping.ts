import { HttpException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { ProblemDetails, ProblemException, problemType } from './problem';

export interface MappedError {
  problem: ProblemDetails;
  headers: Record<string, string>;
  /** Whether this is our fault (logged as an error) rather than the client's. */
  serverFault: boolean;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

const SLUGS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'rate-limited',
  503: 'service-unavailable',
  504: 'timeout',
};

function problem(status: number, detail: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  return { type: problemType(SLUGS[status] ?? 'error'), title: titleFor(status), status, detail, ...extra };
}

// PostgreSQL SQLSTATEs a client can provoke; everything else is our fault.
const PG_CLIENT_ERRORS: Record<string, [number, string]> = {
  '23505': [409, 'The resource already exists.'],
  '23503': [409, 'A referenced resource does not exist or is still in use.'],
  '23514': [422, 'The request violates a data rule.'],
  '22P02': [400, 'A value has the wrong format.'],
  '22001': [400, 'A value is too long.'],
  '22003': [400, 'A number is out of range.'],
  '40001': [409, 'A concurrent update conflicted; retry the request.'],
  '40P01': [409, 'A concurrent update conflicted; retry the request.'],
};

/** Errors meaning "the database is not there right now": answer 503 quickly, never 500. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string; name?: string } | undefined;
  if (!e) return false;
  // TypeORM releases a transaction's query runner when its connection dies mid-transaction; the
  // next statement (or COMMIT) of that transaction then throws one of these.
  if (e.name === 'QueryRunnerAlreadyReleasedError' || e.name === 'QueryRunnerProviderAlreadyReleasedError')
    return true;
  const code = e.code ?? '';
  // 57014 is a statement timeout: the database is too slow right now, the same answer for the client.
  if (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      '57014',
      '57P01',
      '57P02',
      '57P03',
      '53300',
    ].includes(code)
  )
    return true;
  if (code.startsWith('08')) return true;
  const msg = e.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection/i.test(
    msg,
  );
}

/** The single mapping from any thrown value to an HTTP problem. */
export function mapError(err: unknown): MappedError {
  if (err instanceof ProblemException) {
    const status = err.getStatus();
    return {
      problem: {
        type: problemType(err.slug),
        title: titleFor(status),
        status,
        detail: err.message,
        ...err.extensions,
      },
      headers: err.headers,
      serverFault: status >= 500,
    };
  }
  if (err instanceof ThrottlerException) {
    return {
      problem: problem(429, 'Too many requests; slow down and retry later.'),
      headers: {},
      serverFault: false,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse();
    let detail = err.message;
    if (typeof body === 'object' && body !== null && 'message' in body) {
      const m = (body as { message: unknown }).message;
      detail = Array.isArray(m) ? m.join('; ') : String(m);
    }
    return { problem: problem(status, detail), headers: {}, serverFault: status >= 500 };
  }
  const e = err as { code?: string; statusCode?: number; message?: string; name?: string };
  if (isDatabaseUnavailable(err)) {
    return {
      problem: problem(503, 'The database is unavailable; retry shortly.'),
      headers: { 'retry-after': '2' },
      serverFault: true,
    };
  }
  if (e?.name === 'QueryFailedError' && e.code && PG_CLIENT_ERRORS[e.code]) {
    const [status, detail] = PG_CLIENT_ERRORS[e.code];
    return { problem: problem(status, detail), headers: {}, serverFault: false };
  }
  // Class 22, data exceptions (a date that does not exist, a bad encoding, an overflow): a value
  // from the request that PostgreSQL refused. Validation should have caught it; a 400 either way.
  if (e?.name === 'QueryFailedError' && typeof e.code === 'string' && e.code.startsWith('22')) {
    return { problem: problem(400, 'A value in the request is not valid.'), headers: {}, serverFault: false };
  }
  if (e?.name === 'EntityNotFoundError') {
    return { problem: problem(404, 'The resource does not exist.'), headers: {}, serverFault: false };
  }
  // Fastify's own errors (body parsing, content type, size) carry a 4xx statusCode.
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const detail =
      e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
        ? 'The JSON body is empty.'
        : (e.message ?? titleFor(e.statusCode));
    return { problem: problem(e.statusCode, detail), headers: {}, serverFault: false };
  }
  return { problem: problem(500, 'An unexpected error occurred.'), headers: {}, serverFault: true };
}
