import { createHash } from 'node:crypto';

/**
 * sha256 of the canonical request: method, path and the body as the caller builds it with a
 * fixed key order. Callers must leave out secrets such as a card number: a plain hash of a
 * card number is reversible by brute force over the few unknown digits.
 */
export function requestFingerprint(method: string, path: string, canonicalBody: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify({ method, path, body: canonicalBody }))
    .digest('hex');
}
