import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUrl, validateSync } from 'class-validator';
import { EnvInt, envBool } from './env-settings';
import { RequiredInProduction } from './required-in-production';

/**
 * Settings every service understands. A service extends this class with its own
 * fields; the whole environment is validated once at start so a typo fails fast
 * with a message naming the variable instead of surfacing later as a 500.
 */
export class BaseEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsString()
  HOST = '127.0.0.1';

  @EnvInt(0, 65535)
  PORT = 3000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false })
  DATABASE_URL: string;

  /** Run pending migrations at start. Off when a deploy step runs them instead. */
  @Transform(envBool(true))
  DB_MIGRATE_ON_START = true;

  /** Where the user-service publishes its public keys. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  JWKS_URL?: string;

  @IsString()
  JWT_ISSUER = 'ha-shop';

  @IsString()
  JWT_AUDIENCE = 'ha-shop';

  /** How long a terminating service keeps serving while load balancers notice it is not ready. */
  @EnvInt(0)
  SHUTDOWN_DRAIN_MS = 1000;

  /** Hard limit for the whole shutdown; past it the process exits non-zero. */
  @EnvInt(100)
  SHUTDOWN_GRACE_MS = 10_000;

  /** Secret that enables the fault-injection switch; unset means the switch does not exist. */
  @IsOptional()
  @IsString()
  FAULT_INJECTION_SECRET?: string;

  /** Shared secret for service-to-service internal routes (inventory, payments, event feeds). */
  @RequiredInProduction(
    'without it the internal routes (/payments, /internal/*, /events) would be open to anyone who reaches a replica',
  )
  @IsString()
  INTERNAL_TOKEN?: string;

  /**
   * Addresses whose X-Forwarded-For is believed (the edge, the mesh sidecar): comma-separated IPs,
   * CIDRs or proxy-addr names (`loopback`, `linklocal`, `uniquelocal`); `none` trusts no one.
   * Anyone else's claimed client address is ignored, so per-IP limits cannot be rotated.
   */
  @IsString()
  TRUSTED_PROXIES = 'loopback';
}

export class EnvValidationError extends Error {}

/** Validates `env` against `cls`, applying the class's defaults for missing variables. */
export function validateEnv<T extends object>(cls: new () => T, env: Record<string, string | undefined>): T {
  const known = Object.keys(new cls());
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(env)) {
    if (env[key] !== undefined && env[key] !== '') picked[key] = env[key];
  }
  const instance = plainToInstance(cls, picked, { exposeDefaultValues: true });
  // Only validate what the class declares; the rest of the process env is not ours.
  const errors = validateSync(instance, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      // A missing variable: say why it is needed, not also that undefined is not a string.
      const constraints = e.constraints ?? {};
      const shown = constraints.isDefined ? [constraints.isDefined] : Object.values(constraints);
      return `  ${e.property}: ${shown.join('; ')}`;
    });
    throw new EnvValidationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  for (const key of Object.keys(instance)) {
    if (!known.includes(key) && !(key in picked)) delete (instance as Record<string, unknown>)[key];
  }
  return instance;
}
