import { createServer, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';

export const ISSUER = 'ha-shop';
export const AUDIENCE = 'ha-shop';

/** A signing key as user-service holds one: private half for tokens, public half for the JWKS. */
export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: KeyLike;
  jwk: JWK;
}

export async function signingKey(kid: string, alg = 'ES256'): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** Claims as user-service issues them; each test overrides what it is about. */
export function claims(overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: 'user-1',
    email: 'ada@example.test',
    roles: ['customer'],
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now - 10,
    exp: now + 900,
    ...overrides,
  };
}

export function sign(key: SigningKey, payload: JWTPayload = claims(), alg = key.alg): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, kid: key.kid }).sign(key.privateKey);
}

/**
 * user-service's JWKS endpoint as a verifier sees it over HTTP on 127.0.0.1, with an outage
 * switch: it publishes the given public keys, answers with an error status (user-service
 * failing), or hangs (a replica that accepts and never answers).
 */
export class JwksServer {
  mode: 'up' | 'hang' | { status: number } = 'up';
  hits = 0;
  readonly hanging = new Set<ServerResponse>();
  private readonly server: Server = createServer((_req, res) => {
    this.hits += 1;
    if (this.mode === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (this.mode !== 'up') return void res.writeHead(this.mode.status).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
  });

  private constructor(private keys: JWK[]) {}

  static async start(keys: JWK[]): Promise<JwksServer> {
    const jwks = new JwksServer(keys);
    await new Promise<void>((resolve) => jwks.server.listen(0, '127.0.0.1', resolve));
    return jwks;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  publish(keys: JWK[]): void {
    this.keys = keys;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
