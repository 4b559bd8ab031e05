import 'reflect-metadata';
import { withMigratedDataSource } from './cli';
import { rotateSigningKey } from './keys/signing-keys.repository';

/**
 * Starts signing with a fresh key; the old one stays in the JWKS as `previous`.
 * Rotate no more often than ACCESS_TOKEN_TTL_SECONDS, or tokens signed two keys ago
 * stop verifying before they expire. Replicas switch within SIGNING_KEY_RELOAD_SECONDS.
 */
if (require.main === module) {
  withMigratedDataSource(process.env.DATABASE_URL, (ds) =>
    rotateSigningKey(ds, process.env.JWT_KEY_ENCRYPTION_SECRET),
  ).then(
    (kid) => console.log(`now signing with key ${kid}`),
    (err: unknown) => {
      console.error((err as Error).message);
      process.exit(1);
    },
  );
}
