import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MAX_PRICE_MINOR, MAX_QUANTITY, SLUG_MAX, SLUG_PATTERN } from '../../common/patterns';
import { SKU_MAX, SKU_MESSAGE, SKU_PATTERN } from '@ha-shop/service-kit';
import { IsOptionalNotNull, IsVariantOptions } from '../../common/validators';
import { PRODUCT_STATUSES, ProductStatus } from '../../catalog/product.entity';

const MAX_IMAGES = 10;
const MAX_VARIANTS = 50;

export class CreateCategoryDto {
  @ApiProperty({ example: 'audio' })
  @IsString()
  @MaxLength(SLUG_MAX)
  @Matches(SLUG_PATTERN, { message: 'slug must be lowercase words joined by hyphens' })
  slug: string;

  @ApiProperty({ example: 'Audio' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;
}

export class VariantInputDto {
  @ApiProperty({ example: 'AUD-0001-BLK' })
  @IsString()
  @MaxLength(SKU_MAX)
  @Matches(SKU_PATTERN, { message: SKU_MESSAGE })
  sku: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { color: 'black' },
  })
  @IsOptionalNotNull()
  @IsVariantOptions()
  options?: Record<string, string>;

  @ApiProperty({ description: 'Integer minor units.', example: 4999 })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_MINOR)
  price: number;

  @ApiProperty({ example: 'EUR' })
  @IsISO4217CurrencyCode()
  currency: string;

  @ApiPropertyOptional({ description: 'Initial available stock.', default: 0 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_QUANTITY)
  stock?: number;
}

/** A variant in a PATCH: an existing SKU is updated field by field; a new SKU is added (price and currency required). */
export class VariantPatchDto {
  @ApiProperty()
  @IsString()
  @MaxLength(SKU_MAX)
  @Matches(SKU_PATTERN, { message: SKU_MESSAGE })
  sku: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptionalNotNull()
  @IsVariantOptions()
  options?: Record<string, string>;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_MINOR)
  price?: number;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsISO4217CurrencyCode()
  currency?: string;
}

class ProductFieldsDto {
  @ApiProperty({ example: 'aurora-wireless-headphones' })
  @IsString()
  @MaxLength(SLUG_MAX)
  @Matches(SLUG_PATTERN, { message: 'slug must be lowercase words joined by hyphens' })
  slug: string;

  @ApiProperty({ example: 'Aurora Wireless Headphones' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiProperty({ example: 'audio' })
  @IsString()
  @MaxLength(SLUG_MAX)
  @Matches(SLUG_PATTERN, { message: 'categorySlug must be a slug' })
  categorySlug: string;

  // A description, not `default`: the update DTO inherits this, and a PATCH without status keeps it.
  @ApiPropertyOptional({ enum: PRODUCT_STATUSES, description: 'A new product is `active` unless given.' })
  @IsOptionalNotNull()
  @IsIn(PRODUCT_STATUSES)
  status?: ProductStatus;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_IMAGES })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_IMAGES)
  @MaxLength(2000, { each: true })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { each: true })
  images?: string[];
}

export class CreateProductDto extends ProductFieldsDto {
  @ApiProperty({ type: [VariantInputDto], minItems: 1, maxItems: MAX_VARIANTS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_VARIANTS)
  @ArrayUnique((v: VariantInputDto) => v?.sku, { message: 'variants must have distinct skus' })
  @ValidateNested({ each: true })
  @Type(() => VariantInputDto)
  variants: VariantInputDto[];
}

/**
 * Every product field, optional. `skipNullProperties: false` skips only absent fields (like
 * IsOptionalNotNull), so an explicit null is still validated and rejected.
 */
export class UpdateProductDto extends PartialType(ProductFieldsDto, { skipNullProperties: false }) {
  @ApiPropertyOptional({ type: [VariantPatchDto], maxItems: MAX_VARIANTS })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_VARIANTS)
  @ArrayUnique((v: VariantPatchDto) => v?.sku, { message: 'variants must have distinct skus' })
  @ValidateNested({ each: true })
  @Type(() => VariantPatchDto)
  variants?: VariantPatchDto[];
}

export class AdjustStockDto {
  @ApiPropertyOptional({
    description: 'Change to available stock (exactly one of delta or quantity).',
    example: -2,
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(-MAX_QUANTITY)
  @Max(MAX_QUANTITY)
  delta?: number;

  @ApiPropertyOptional({
    description: 'New available stock (exactly one of delta or quantity).',
    example: 25,
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_QUANTITY)
  quantity?: number;
}
