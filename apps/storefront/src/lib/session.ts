import { createRemoteJWKSet, jwtVerify } from 'jose';
import { cookies, headers } from 'next/headers';
import { API_BASE_URL } from './bff/api-client';

const ACCESS = 'hs_session';
const REFRESH = 'hs_refresh';
const CART = 'hs_cart';

export interface Viewer {
  userId: string;
  email: string;
  roles: string[];
  token: string;
}

const jwks = createRemoteJWKSet(new URL(`${API_BASE_URL}/.well-known/jwks.json`), {
  cooldownDuration: 30_000,
  timeoutDuration: 3_000,
});

/** Plain http on loopback (make demo); everywhere else the cookies are Secure. */
async function secure(): Promise<boolean> {
  const host = (await headers()).get('host') ?? '';
  return !/^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host);
}

async function cookieOptions(maxAge: number) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: await secure(), path: '/', maxAge };
}

/** The signed-in customer, from the access token verified against user-service's JWKS. */
export async function viewer(): Promise<Viewer | null> {
  const token = (await cookies()).get(ACCESS)?.value;
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: process.env.JWT_ISSUER ?? 'ha-shop',
      audience: process.env.JWT_AUDIENCE ?? 'ha-shop',
      algorithms: ['ES256'],
    });
    return {
      userId: String(payload.sub),
      email: String(payload.email ?? ''),
      roles: Array.isArray(payload.roles) ? payload.roles.map(String) : [],
      token,
    };
  } catch {
    // Expired, or keys unreachable: treated as signed out rather than failing the page.
    return null;
  }
}

export async function startSession(
  accessToken: string,
  refreshToken: string,
  expiresIn: number,
): Promise<void> {
  const jar = await cookies();
  jar.set(ACCESS, accessToken, await cookieOptions(expiresIn));
  jar.set(REFRESH, refreshToken, await cookieOptions(30 * 24 * 3600));
}

export async function refreshToken(): Promise<string | undefined> {
  return (await cookies()).get(REFRESH)?.value;
}

export async function endSession(): Promise<void> {
  const jar = await cookies();
  jar.delete(ACCESS);
  jar.delete(REFRESH);
  jar.delete(CART);
}

/** The cart this browser works on: `id` alone (a customer's cart) or `id.token` (a guest cart). */
export interface CartRef {
  id: string;
  token?: string;
}

export async function cartRef(): Promise<CartRef | null> {
  const raw = (await cookies()).get(CART)?.value;
  if (!raw) return null;
  const [id, token] = raw.split('.', 2);
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { id, token: token || undefined };
}

export async function rememberCart(ref: CartRef | null): Promise<void> {
  const jar = await cookies();
  if (!ref) jar.delete(CART);
  else jar.set(CART, ref.token ? `${ref.id}.${ref.token}` : ref.id, await cookieOptions(30 * 24 * 3600));
}
