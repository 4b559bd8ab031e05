import { Injectable } from '@nestjs/common';
import type { Role } from '@ha-shop/auth';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { UserEnv } from '../config/user.env';
import { SIGNING_ALG } from './key-material';
import { SigningKeyStore } from './signing-key.store';

export interface TokenSubject {
  id: string;
  email: string;
  roles: Role[];
}

/** Signs access JWTs: ES256 with a `kid`, claims sub/email/roles, iss/aud from the env. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeyStore,
    private readonly env: UserEnv,
  ) {}

  get ttlSeconds(): number {
    return this.env.ACCESS_TOKEN_TTL_SECONDS;
  }

  issue(user: TokenSubject): Promise<string> {
    const { kid, key } = this.keys.currentSigningKey();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ email: user.email, roles: user.roles })
      .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.env.JWT_ISSUER)
      .setAudience(this.env.JWT_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + this.env.ACCESS_TOKEN_TTL_SECONDS)
      .setJti(randomUUID())
      .sign(key);
  }
}
