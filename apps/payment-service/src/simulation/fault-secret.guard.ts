import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ProblemException } from '@ha-shop/service-kit';
import { createHash, timingSafeEqual } from 'node:crypto';
import { PaymentEnv } from '../config/payment.env';

export const FAULT_SECRET_HEADER = 'x-fault-secret';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The fault switch answers only to callers that know FAULT_INJECTION_SECRET. */
@Injectable()
export class FaultSecretGuard implements CanActivate {
  constructor(private readonly env: PaymentEnv) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.env.FAULT_INJECTION_SECRET;
    const given = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[
      FAULT_SECRET_HEADER
    ];
    // Comparing digests keeps the comparison constant-time whatever the lengths.
    const ok = !!expected && typeof given === 'string' && timingSafeEqual(digest(given), digest(expected));
    if (!ok)
      throw new ProblemException(
        403,
        'forbidden',
        `The fault switch needs a valid ${FAULT_SECRET_HEADER} header.`,
      );
    return true;
  }
}
