import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ProblemException } from '../errors/problem';

function flatten(errors: ValidationError[], prefix = ''): Array<{ field: string; message: string }> {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * DTO validation at the edge: unknown fields are rejected (not silently dropped) so
 * clients learn about typos, and every failure is a 400 problem listing the fields.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const list = flatten(errors);
      return new ProblemException(
        400,
        'validation-failed',
        list.map((e) => e.message).join('; ') || 'Invalid request.',
        {
          errors: list,
        },
      );
    },
  });
}
