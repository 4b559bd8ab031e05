import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CategoryRefDto {
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
}

export class CategoryDto extends CategoryRefDto {
  @ApiProperty({ description: 'Active products in the category.' }) productCount: number;
}

export class CategoryListDto {
  @ApiProperty({ type: [CategoryDto] }) items: CategoryDto[];
}

export class PriceDto {
  @ApiProperty({ description: 'Integer minor units, e.g. cents.' }) amount: number;
  @ApiProperty({ example: 'EUR' }) currency: string;
}

export class VariantViewDto {
  @ApiProperty() sku: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { size: 'M', color: 'red' },
  })
  options: Record<string, string>;
  @ApiProperty({ description: 'Integer minor units.' }) price: number;
  @ApiProperty() currency: string;
  @ApiProperty() inStock: boolean;
}

export class ProductSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: CategoryRefDto }) category: CategoryRefDto;
  @ApiProperty({ type: [String] }) images: string[];
  @ApiPropertyOptional({ type: PriceDto, description: 'Lowest variant price.' }) priceFrom: PriceDto | null;
  @ApiProperty({ description: 'At least one variant is in stock.' }) inStock: boolean;
  @ApiProperty({ type: [VariantViewDto] }) variants: VariantViewDto[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class ProductDetailDto extends ProductSummaryDto {
  @ApiProperty() description: string;
}

export class ProductPageDto {
  @ApiProperty({ type: [ProductSummaryDto] }) items: ProductSummaryDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null on the last.',
  })
  nextCursor: string | null;
}

export class SearchResultDto {
  @ApiProperty({ type: [ProductSummaryDto] }) items: ProductSummaryDto[];
}
