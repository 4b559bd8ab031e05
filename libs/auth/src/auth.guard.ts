import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { BaseEnv, ProblemException, RequestContext, ServiceUnavailableProblem } from '@ha-shop/service-kit';
import { timingSafeEqual } from 'node:crypto';
import { AUTH_REQUIREMENT, AuthRequirement, INTERNAL_TOKEN_HEADER } from './decorators';
import { Principal } from './principal';
import { InvalidTokenError, TokenVerifier } from './token-verifier';

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/**
 * Global guard. A bearer token, when sent, must be valid on every route (a bad
 * token is a 401 even where anonymous access is fine, so clients notice expiry);
 * routes marked `@Authenticated()` additionally require one, and a role.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    private readonly env: BaseEnv,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const requirement = this.reflector.getAllAndOverride<AuthRequirement | undefined>(AUTH_REQUIREMENT, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (requirement?.internal) return this.checkInternal(request);
    if (requirement?.skipToken) return true;
    const header = request.headers.authorization;
    const token = typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : undefined;
    if (header !== undefined && !token) throw unauthorized('Authorization must be a Bearer token.');
    if (token) {
      try {
        request.principal = await this.verifier.verify(token);
        // The one place the caller's identity is known: calls made for this request say who it is for.
        RequestContext.actAs(request.principal.userId);
      } catch (err) {
        if (err instanceof InvalidTokenError)
          throw unauthorized(`The access token is not valid: ${err.message}.`);
        throw new ServiceUnavailableProblem('Token keys are unavailable; retry shortly.');
      }
    }
    if (!requirement) return true;
    if (!request.principal) throw unauthorized('Sign in to use this route.');
    if (
      requirement.roles.length > 0 &&
      !requirement.roles.some((r) => request.principal!.roles.includes(r))
    ) {
      throw new ProblemException(
        403,
        'forbidden',
        `This route needs the role: ${requirement.roles.join(' or ')}.`,
      );
    }
    return true;
  }

  private checkInternal(request: AuthRequest): boolean {
    const expected = this.env.INTERNAL_TOKEN;
    // Production never starts without the token (see BaseEnv); outside it, an unset token is a
    // warned-about development convenience.
    if (!expected && this.env.NODE_ENV !== 'production') return true;
    const given = request.headers[INTERNAL_TOKEN_HEADER];
    const ok =
      expected !== undefined &&
      typeof given === 'string' &&
      given.length === expected.length &&
      timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    if (!ok) throw new ProblemException(403, 'forbidden', 'This route is for internal callers only.');
    return true;
  }
}

function unauthorized(detail: string): ProblemException {
  return new ProblemException(401, 'unauthorized', detail, {}, { 'www-authenticate': 'Bearer' });
}
