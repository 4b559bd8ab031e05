import { BaseEnv, EnvInt, RequiredInProduction } from '@ha-shop/service-kit';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class UserEnv extends BaseEnv {
  /** Lifetime of an access JWT. Short, because other services accept it without asking us. */
  @EnvInt(30, 86_400)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /** Lifetime of a refresh token; each rotation starts a new one (sliding session). */
  @EnvInt(60, 90 * 86_400)
  REFRESH_TOKEN_TTL_SECONDS = 14 * 86_400;

  /** Login attempts per account (normalised email) per minute, across all replicas. 0 disables. */
  @EnvInt(0)
  LOGIN_RATE_LIMIT_PER_MINUTE = 10;

  /** Login attempts per client IP per minute, across all replicas. 0 disables. */
  @EnvInt(0)
  LOGIN_IP_RATE_LIMIT_PER_MINUTE = 30;

  /** Registrations per client IP per minute (each costs an argon2 hash). 0 disables. */
  @EnvInt(0)
  REGISTER_IP_RATE_LIMIT_PER_MINUTE = 20;

  /**
   * PKCS#8 PEM of an ES256 (P-256) key to sign with instead of the database-managed key.
   * `\n` escapes are accepted so it fits in one env line.
   */
  @IsOptional()
  @IsString()
  @Matches(/BEGIN (EC )?PRIVATE KEY/, { message: 'JWT_PRIVATE_KEY_PEM must be a PEM private key' })
  JWT_PRIVATE_KEY_PEM?: string;

  /** `kid` for JWT_PRIVATE_KEY_PEM; defaults to the key's RFC 7638 thumbprint. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  JWT_KEY_ID?: string;

  /**
   * Private keys generated into the database are encrypted with a key derived from it. Not
   * needed when the signing key comes from JWT_PRIVATE_KEY_PEM (nothing private is stored then).
   */
  @RequiredInProduction(
    'without it the JWT signing keys are stored in the database as plain PEM',
    (env) => env.JWT_PRIVATE_KEY_PEM !== undefined,
  )
  @IsString()
  @MinLength(32)
  JWT_KEY_ENCRYPTION_SECRET?: string;

  /** How often a replica re-reads the signing keys (to pick up a rotation made elsewhere). */
  @EnvInt(1)
  SIGNING_KEY_RELOAD_SECONDS = 60;
}
