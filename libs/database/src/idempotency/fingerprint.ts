import { createHash } from 'node:crypto';

/**
 * sha256 over a canonical JSON form (keys sorted, undefined left out), so two requests that mean
 * the same thing have one fingerprint whatever order their fields came in. Leave secrets such as a
 * card number out of `value`: a plain hash of a card number is reversible by brute force over the
 * few unknown digits.
 */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
