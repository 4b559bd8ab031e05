import { fingerprint } from '@ha-shop/database';
import { createHash } from 'node:crypto';

/** The canonical fingerprint, and the one keys claimed before the shared mechanism carry. */
export interface RequestFingerprint {
  current: string;
  former: string;
}

/**
 * The fingerprint of a request: method, path and the body as the caller builds it. Callers must
 * leave out secrets such as a card number (see `fingerprint`).
 */
export function requestFingerprint(method: string, path: string, body: unknown): RequestFingerprint {
  const request = { method, path, body };
  return {
    current: fingerprint(request),
    // Keys from before migration 1731100000001 were fingerprinted over the JSON in this field
    // order. Drop `former` once they have all expired (IDEMPOTENCY_KEY_TTL_SECONDS after that upgrade).
    former: createHash('sha256').update(JSON.stringify(request)).digest('hex'),
  };
}
