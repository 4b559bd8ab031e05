import { applyDecorators } from '@nestjs/common';
import { IsDefined, ValidateIf } from 'class-validator';

interface ProductionSecret {
  name: string;
  why: string;
  /** When it returns true, the variable is not needed (another setting covers the same need). */
  unless?: (env: Record<string, unknown>) => boolean;
}

const registry = new Map<object, ProductionSecret[]>();

/**
 * A secret the service must not run without in production: with NODE_ENV=production a missing
 * value fails env validation (the service does not start), elsewhere it is optional and
 * `missingProductionSecrets` lists it for a warning. Replaces `@IsOptional()` on the field.
 */
export function RequiredInProduction(
  why: string,
  unless?: (env: Record<string, unknown>) => boolean,
): PropertyDecorator {
  return (target, key) => {
    const name = String(key);
    const own = registry.get(target) ?? [];
    own.push({ name, why, unless });
    registry.set(target, own);
    applyDecorators(
      ValidateIf(
        (o: Record<string, unknown>, value: unknown) =>
          value !== undefined || (o.NODE_ENV === 'production' && !unless?.(o)),
      ),
      IsDefined({ message: `${name} must be set when NODE_ENV=production: ${why}` }),
    )(target, key);
  };
}

/** The production secrets `env` lacks (walks the env class hierarchy). */
export function missingProductionSecrets(env: object): ProductionSecret[] {
  const missing: ProductionSecret[] = [];
  const values = env as Record<string, unknown>;
  for (let proto = Object.getPrototypeOf(env); proto; proto = Object.getPrototypeOf(proto)) {
    for (const secret of registry.get(proto) ?? []) {
      if (values[secret.name] === undefined && !secret.unless?.(values)) missing.push(secret);
    }
  }
  return missing;
}
