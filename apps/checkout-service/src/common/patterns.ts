import { ProblemException, SKU_MAX, SKU_PATTERN } from '@ha-shop/service-kit';
import { PipeTransform } from '@nestjs/common';

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
