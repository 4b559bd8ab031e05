import { PipeTransform } from '@nestjs/common';
import { ProblemException, SKU_MAX, SKU_PATTERN } from '@ha-shop/service-kit';

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// Fastify's router refuses path parameters over 100 characters, so nothing addressable may be longer.
export const SLUG_MAX = 100;
/** Reservation keys are chosen by checkout (e.g. `order:<uuid>`). */
export const RESERVATION_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,99}$/;
export const RESERVATION_KEY_MAX = 100;
/** Currencies are ISO-4217 codes; the DTOs check the code list, this only the shape. */
export const MAX_QUANTITY = 1_000_000;
export const MAX_PRICE_MINOR = 100_000_000;

/** Rejects malformed path parameters with a 400 problem before they reach SQL. */
export class PatternPipe implements PipeTransform<unknown, string> {
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

export const slugParam = () => new PatternPipe('slug', SLUG_PATTERN, SLUG_MAX);
export const skuParam = () => new PatternPipe('sku', SKU_PATTERN, SKU_MAX);
export const reservationKeyParam = () =>
  new PatternPipe('reservationKey', RESERVATION_KEY_PATTERN, RESERVATION_KEY_MAX);
