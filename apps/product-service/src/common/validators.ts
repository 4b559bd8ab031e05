import { registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';

const MAX_KEYS = 10;
const KEY_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]{0,29}$/;
const MAX_VALUE_LENGTH = 50;

export function isVariantOptions(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= MAX_KEYS &&
    entries.every(
      ([k, v]) =>
        KEY_PATTERN.test(k) && typeof v === 'string' && v.length > 0 && v.length <= MAX_VALUE_LENGTH,
    )
  );
}

/** A small flat object of string options, e.g. `{ "size": "M", "color": "red" }`. */
export function IsVariantOptions(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isVariantOptions',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be an object of at most ${MAX_KEYS} string values (keys like "size", values 1-${MAX_VALUE_LENGTH} chars)`,
        ...options,
      },
      validator: { validate: isVariantOptions },
    });
}

/**
 * Like `@IsOptional()`, but only an absent field is skipped: an explicit `null` is
 * validated (and rejected) instead of slipping through to a NOT NULL column.
 */
export const IsOptionalNotNull = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
