import { errors, jwtVerify } from 'jose';
import { KeySource } from './key-source';
import { Principal, Role, ROLES } from './principal';

export const ACCESS_TOKEN_ALG = 'ES256';

export class InvalidTokenError extends Error {}

/**
 * Verifies access tokens. The algorithm is pinned, so `alg: none` or an HMAC token
 * made with the public key is refused before any key is looked up.
 */
export class TokenVerifier {
  constructor(
    private readonly keys: KeySource,
    private readonly issuer: string,
    private readonly audience: string,
  ) {}

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, this.keys.getKey, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: [ACCESS_TOKEN_ALG],
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: 5,
      });
      const roles = Array.isArray(payload.roles)
        ? payload.roles.filter((r): r is Role => ROLES.includes(r as Role))
        : [];
      if (typeof payload.sub !== 'string' || typeof payload.email !== 'string')
        throw new InvalidTokenError('malformed claims');
      return { userId: payload.sub, email: payload.email, roles, token };
    } catch (err) {
      if (err instanceof InvalidTokenError) throw err;
      if (err instanceof errors.JWTExpired) throw new InvalidTokenError('token expired');
      if (err instanceof errors.JOSEError) throw new InvalidTokenError('invalid token');
      if (err instanceof TypeError || err instanceof SyntaxError)
        throw new InvalidTokenError('invalid token');
      throw err;
    }
  }
}
