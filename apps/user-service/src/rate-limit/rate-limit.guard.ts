import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { ProblemException } from '@ha-shop/service-kit';
import { normaliseEmail } from '../users/password-policy';

/** Names of the limits, for `@SkipThrottle({ [name]: true })` on routes that don't use one. */
export const LOGIN_IP = 'login-ip';
export const LOGIN_ACCOUNT = 'login-account';
export const REGISTER_IP = 'register-ip';

/**
 * The throttler guard, answering with the standard 429 problem and a plain
 * `Retry-After` whichever limit (per IP or per account) was hit.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, detail.timeToBlockExpire);
    throw new ProblemException(
      429,
      'rate-limited',
      `Too many attempts; retry in ${seconds} seconds.`,
      {},
      { 'retry-after': String(seconds) },
    );
  }
}

/** The account a login attempt is for: its normalised email, or undefined when the body has none. */
export function loginAccount(context: ExecutionContext): string | undefined {
  const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
  const email = body && typeof body === 'object' ? (body as { email?: unknown }).email : undefined;
  return typeof email === 'string' && email.length <= 1000 ? normaliseEmail(email) : undefined;
}
