import type { JWK } from 'jose';
import { DataSource } from 'typeorm';
import { generateKeyMaterial, sealPrivateKey } from './key-material';
import { SigningKeyState } from './signing-key.entity';

export interface StoredKey {
  kid: string;
  state: SigningKeyState;
  publicJwk: JWK;
  /** Only loaded for the current key. */
  privateKey: string | null;
}

// Serialises rotations with each other (creation is serialised by the unique index).
const ROTATION_LOCK_KEY = 7_326_501;

/** Published keys, current first. */
export async function loadPublishedKeys(ds: DataSource): Promise<StoredKey[]> {
  const rows: Array<{ kid: string; state: SigningKeyState; public_jwk: JWK; private_key: string | null }> =
    await ds.query(
      `SELECT kid, state, public_jwk, CASE WHEN state = 'current' THEN private_key END AS private_key
       FROM signing_key WHERE state IN ('current', 'previous')
      ORDER BY state = 'current' DESC, created_at DESC`,
    );
  return rows.map((r) => ({
    kid: r.kid,
    state: r.state,
    publicJwk: r.public_jwk,
    privateKey: r.private_key,
  }));
}

/**
 * Makes sure a current key exists. Replicas starting together on an empty table each
 * try to insert one; the partial unique index lets exactly one insert land.
 */
export async function ensureCurrentKey(
  ds: DataSource,
  encryptionSecret: string | undefined,
): Promise<boolean> {
  const existing: unknown[] = await ds.query(`SELECT 1 FROM signing_key WHERE state = 'current'`);
  if (existing.length > 0) return false;
  const m = await generateKeyMaterial();
  const inserted: unknown[] = await ds.query(
    `INSERT INTO signing_key (kid, alg, public_jwk, private_key, state) VALUES ($1, 'ES256', $2, $3, 'current')
     ON CONFLICT (state) WHERE state = 'current' DO NOTHING RETURNING kid`,
    [m.kid, JSON.stringify(m.publicJwk), sealPrivateKey(m.privatePem, m.kid, encryptionSecret)],
  );
  return inserted.length > 0;
}

/**
 * Starts signing with a new key. The old current key stays published as `previous`
 * (tokens it signed stay valid until they expire); the key before it is retired and
 * its private half erased. Replicas pick the new key up on their next reload.
 */
export async function rotateSigningKey(ds: DataSource, encryptionSecret?: string): Promise<string> {
  const m = await generateKeyMaterial();
  await ds.transaction(async (manager) => {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [ROTATION_LOCK_KEY]);
    await manager.query(
      `UPDATE signing_key SET state = 'retired', private_key = '', rotated_at = now() WHERE state = 'previous'`,
    );
    await manager.query(
      `UPDATE signing_key SET state = 'previous', rotated_at = now() WHERE state = 'current'`,
    );
    await manager.query(
      `INSERT INTO signing_key (kid, alg, public_jwk, private_key, state) VALUES ($1, 'ES256', $2, $3, 'current')`,
      [m.kid, JSON.stringify(m.publicJwk), sealPrivateKey(m.privatePem, m.kid, encryptionSecret)],
    );
  });
  return m.kid;
}
