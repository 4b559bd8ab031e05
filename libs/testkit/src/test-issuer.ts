import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { createServer, Server } from 'node:http';
import { randomUUID } from 'node:crypto';

export interface TokenClaims {
  sub?: string;
  email?: string;
  roles?: string[];
  /** Seconds from now; negative for an already-expired token. */
  expiresIn?: number;
}

/**
 * A real token issuer for tests of services other than user-service: its own ES256
 * key, a JWKS served over loopback HTTP, and tokens signed exactly as user-service does.
 */
export class TestIssuer {
  private constructor(
    private readonly server: Server,
    private readonly privateKey: KeyLike,
    readonly kid: string,
    readonly jwksUrl: string,
    readonly issuer: string,
    readonly audience: string,
  ) {}

  static async start(issuer = 'ha-shop', audience = 'ha-shop'): Promise<TestIssuer> {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = randomUUID();
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    const body = JSON.stringify({ keys: [jwk] });
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    return new TestIssuer(
      server,
      privateKey,
      kid,
      `http://127.0.0.1:${port}/.well-known/jwks.json`,
      issuer,
      audience,
    );
  }

  async token(claims: TokenClaims = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ email: claims.email ?? 'shopper@example.test', roles: claims.roles ?? ['customer'] })
      .setProtectedHeader({ alg: 'ES256', kid: this.kid })
      .setSubject(claims.sub ?? randomUUID())
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt(now - 10)
      .setExpirationTime(now + (claims.expiresIn ?? 900))
      .sign(this.privateKey);
  }

  adminToken(sub?: string): Promise<string> {
    return this.token({ sub, email: 'admin@example.test', roles: ['admin'] });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
