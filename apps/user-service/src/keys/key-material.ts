import { calculateJwkThumbprint, type JWK } from 'jose';
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  KeyObject,
  randomBytes,
} from 'node:crypto';

export const SIGNING_ALG = 'ES256';

export interface KeyMaterial {
  kid: string;
  privateKey: KeyObject;
  /** Public half only, with kid/alg/use, as published in the JWKS. */
  publicJwk: JWK;
}

export async function generateKeyMaterial(): Promise<KeyMaterial & { privatePem: string }> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const material = await materialFromPrivateKey(privateKey);
  return { ...material, privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** Loads a PKCS#8 / SEC1 PEM and checks it is a P-256 key, the only curve ES256 allows. */
export async function materialFromPem(pem: string, kid?: string): Promise<KeyMaterial> {
  const privateKey = createPrivateKey(pem.replace(/\\n/g, '\n'));
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('the signing key must be an EC P-256 private key (ES256)');
  }
  return materialFromPrivateKey(privateKey, kid);
}

async function materialFromPrivateKey(privateKey: KeyObject, kid?: string): Promise<KeyMaterial> {
  const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const bare: JWK = { kty, crv, x, y };
  const id = kid ?? (await calculateJwkThumbprint(bare, 'sha256'));
  return { kid: id, privateKey, publicJwk: { ...bare, kid: id, alg: SIGNING_ALG, use: 'sig' } };
}

// Stored private keys: either a plain PEM, or this AES-256-GCM envelope bound to the kid.
const ENVELOPE_PREFIX = 'enc:v1:';
const HKDF_INFO = 'ha-shop user-service signing key';

export function sealPrivateKey(pem: string, kid: string, secret: string | undefined): string {
  if (!secret) return pem;
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret, salt), iv);
  cipher.setAAD(Buffer.from(kid));
  const data = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  return (
    ENVELOPE_PREFIX + [salt, iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.')
  );
}

export function openPrivateKey(stored: string, kid: string, secret: string | undefined): string {
  if (!stored.startsWith(ENVELOPE_PREFIX)) return stored;
  if (!secret) throw new Error(`signing key ${kid} is encrypted but JWT_KEY_ENCRYPTION_SECRET is not set`);
  const [salt, iv, tag, data] = stored
    .slice(ENVELOPE_PREFIX.length)
    .split('.')
    .map((p) => Buffer.from(p, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(secret, salt), iv);
  decipher.setAAD(Buffer.from(kid));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`signing key ${kid} cannot be decrypted with JWT_KEY_ENCRYPTION_SECRET`);
  }
}

function deriveKey(secret: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, salt, HKDF_INFO, 32));
}
