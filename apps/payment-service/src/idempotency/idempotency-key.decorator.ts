import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ProblemException } from '@ha-shop/service-kit';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

// Visible ASCII: keys are usually UUIDs or `<purpose>-<id>`; anything else is more likely a bug.
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's `Idempotency-Key` header, required and bounded. */
export const IdempotencyKey = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const request = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
  const value = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (value === undefined) {
    throw new ProblemException(
      400,
      'idempotency-key-required',
      'This request needs an Idempotency-Key header.',
    );
  }
  if (typeof value !== 'string' || !VALID_KEY.test(value)) {
    throw new ProblemException(
      400,
      'invalid-idempotency-key',
      'The Idempotency-Key header must be one value of 1 to 255 visible ASCII characters.',
    );
  }
  return value;
});
