import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * The optional `limit` query parameter of a paged list: an integer from 1 to `max`
 * (`defaultLimit` is what the route uses when it is absent; documented only).
 */
export function PageLimit(max = 100, defaultLimit = 20): PropertyDecorator {
  // Applied in the order stacked decorators run (bottom first), so failures list as before: max, min, integer.
  return applyDecorators(
    Max(max),
    Min(1),
    IsInt(),
    Type(() => Number),
    IsOptional(),
    ApiPropertyOptional({ minimum: 1, maximum: max, default: defaultLimit }),
  );
}
