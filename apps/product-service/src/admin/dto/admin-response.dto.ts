import { ApiProperty, OmitType } from '@nestjs/swagger';
import { ProductDetailDto, VariantViewDto } from '../../catalog/dto/catalog-response.dto';
import { PRODUCT_STATUSES } from '../../catalog/product.entity';

export class StockLevelDto {
  @ApiProperty() sku: string;
  @ApiProperty({ description: 'Units that can be sold or reserved.' }) available: number;
  @ApiProperty({ description: 'Units held by live reservations.' }) reserved: number;
  @ApiProperty({ description: 'Units committed by paid orders.' }) sold: number;
}

export class AdminVariantDto extends VariantViewDto {
  @ApiProperty() available: number;
  @ApiProperty() reserved: number;
  @ApiProperty() sold: number;
}

export class AdminProductDto extends OmitType(ProductDetailDto, ['variants'] as const) {
  @ApiProperty({ enum: PRODUCT_STATUSES }) status: string;
  @ApiProperty({ type: [AdminVariantDto] }) variants: AdminVariantDto[];
}

export class AdminCategoryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
}
