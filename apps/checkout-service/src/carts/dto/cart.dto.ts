import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { SKU_MAX, SKU_MESSAGE, SKU_PATTERN } from '@ha-shop/service-kit';
import { MAX_LINE_QUANTITY } from '../cart.repository';

export class AddItemDto {
  @ApiProperty({ example: 'MUG-001-BLK', maxLength: SKU_MAX })
  @IsString()
  @MaxLength(SKU_MAX)
  @Matches(SKU_PATTERN, { message: SKU_MESSAGE })
  sku: string;

  @ApiProperty({ minimum: 1, maximum: MAX_LINE_QUANTITY })
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity: number;
}

export class SetQuantityDto {
  @ApiProperty({ minimum: 1, maximum: MAX_LINE_QUANTITY })
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity: number;
}

export class MergeCartDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  guestCartId: string;

  @ApiProperty({ description: 'The token returned when the guest cart was created.' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  guestCartToken: string;
}
