import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { IDEMPOTENCY_KEY_HEADER, readIdempotencyKey } from '@ha-shop/service-kit';

/** The request's `Idempotency-Key` header, required and bounded (the rule every service shares). */
export const IdempotencyKey = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const request = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
  return readIdempotencyKey(request.headers[IDEMPOTENCY_KEY_HEADER]);
});
