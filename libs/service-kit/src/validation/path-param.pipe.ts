import { PipeTransform } from '@nestjs/common';
import { SKU_MAX, SKU_PATTERN } from '../contracts/shop-limits';
import { ProblemException } from '../errors/problem';

/** Rejects a malformed path parameter with a 400 problem before it reaches SQL. */
export class PathParamPipe implements PipeTransform<unknown, string> {
  constructor(
    private readonly name: string,
    private readonly pattern: RegExp,
    private readonly maxLength: number,
  ) {}

  transform(value: unknown): string {
    if (typeof value !== 'string' || value.length > this.maxLength || !this.pattern.test(value)) {
      throw new ProblemException(400, 'invalid-parameter', `The ${this.name} in the path is malformed.`, {
        errors: [{ field: this.name, message: `${this.name} must match ${this.pattern.source}` }],
      });
    }
    return value;
  }
}

/** `:sku`, in product-service's stock admin and checkout's cart lines alike. */
export const skuParam = () => new PathParamPipe('sku', SKU_PATTERN, SKU_MAX);
