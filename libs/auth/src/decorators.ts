import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Principal, Role } from './principal';

export const AUTH_REQUIREMENT = 'ha-shop:auth-requirement';
export interface AuthRequirement {
  roles: Role[];
  /** Service-to-service route: needs the shared internal token (when one is configured). */
  internal?: boolean;
  /** The route ignores any bearer token (see `SkipAccessToken`). */
  skipToken?: boolean;
}

/** Route needs a signed-in caller; with roles, one of them. */
export const Authenticated = (...roles: Role[]) =>
  SetMetadata(AUTH_REQUIREMENT, { roles } satisfies AuthRequirement);
export const AdminOnly = () => Authenticated('admin');
/** Route for other services only (inventory, event feeds); the edge never routes to these. */
export const InternalOnly = () =>
  SetMetadata(AUTH_REQUIREMENT, { roles: [], internal: true } satisfies AuthRequirement);
export const INTERNAL_TOKEN_HEADER = 'x-internal-token';
/**
 * Public route that does not look at the Authorization header at all: sign-in and
 * token refresh, which a client calls precisely when its access token has expired.
 */
export const SkipAccessToken = () =>
  SetMetadata(AUTH_REQUIREMENT, { roles: [], skipToken: true } satisfies AuthRequirement);

/** The verified caller, or undefined on routes that allow anonymous access. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal | undefined => {
    return ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal;
  },
);
