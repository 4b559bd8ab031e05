import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, IsNumber, Max, Min } from 'class-validator';

/** Env values are strings; empty means "use the default". */
const envInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** `@Transform(envBool(default))`: 'true'/'1' are true, anything else false, empty the default. */
export const envBool =
  (fallback: boolean) =>
  ({ value }: { value: unknown }) =>
    value === undefined || value === '' ? fallback : value === true || value === 'true' || value === '1';

// Listed last-checked first, the order stacked decorators apply in, so a setting's error
// messages read as they did when each setting stacked its own.
const bounds = (min: number, max?: number) => (max === undefined ? [Min(min)] : [Max(max), Min(min)]);

/** A whole-number setting from min (to max): what most tunables are. */
export const EnvInt = (min: number, max?: number): PropertyDecorator =>
  applyDecorators(...bounds(min, max), IsInt(), Transform(envInt));

/** A setting that may be a fraction (a rate, a threshold), finite, from min (to max). */
export const EnvNumber = (min: number, max?: number): PropertyDecorator =>
  applyDecorators(
    ...bounds(min, max),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Transform(envInt),
  );
