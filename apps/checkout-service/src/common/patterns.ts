import { ProblemException } from '@ha-shop/service-kit';
import { PipeTransform } from '@nestjs/common';

/** Same shape product-service accepts for a SKU. */
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const SKU_MAX = 64;

/** Rejects a malformed `:sku` path parameter with a 400 problem before it reaches SQL. */
export class SkuParamPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || value.length > SKU_MAX || !SKU_PATTERN.test(value)) {
      throw new ProblemException(400, 'invalid-parameter', 'The sku in the path is malformed.', {
        errors: [{ field: 'sku', message: `sku must match ${SKU_PATTERN.source}` }],
      });
    }
    return value;
  }
}
