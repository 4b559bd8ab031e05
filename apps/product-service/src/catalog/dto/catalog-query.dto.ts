import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageLimit } from '@ha-shop/service-kit';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PRODUCT_SORTS, ProductSort } from '../../common/cursor';
import { SLUG_MAX, SLUG_PATTERN } from '../../common/patterns';

export class ListProductsQueryDto {
  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque `nextCursor` of the previous page (same sort).' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ description: 'Category slug to filter by.' })
  @IsOptional()
  @IsString()
  @MaxLength(SLUG_MAX)
  @Matches(SLUG_PATTERN, { message: 'category must be a slug' })
  category?: string;

  @ApiPropertyOptional({ enum: PRODUCT_SORTS, default: 'newest' })
  @IsOptional()
  @IsIn(PRODUCT_SORTS)
  sort?: ProductSort;
}

export class SearchQueryDto {
  @ApiProperty({ minLength: 1, maxLength: 100, description: 'Words to look for; typos are tolerated.' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  q: string;

  @PageLimit(50)
  limit?: number;
}
