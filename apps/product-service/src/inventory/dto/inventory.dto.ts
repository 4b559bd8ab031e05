import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MAX_QUANTITY, RESERVATION_KEY_MAX, RESERVATION_KEY_PATTERN } from '../../common/patterns';
import { SKU_MAX, SKU_MESSAGE, SKU_PATTERN } from '@ha-shop/service-kit';
import { IsOptionalNotNull } from '../../common/validators';
import { RESERVATION_STATUSES } from '../reservation.entity';

const MAX_ITEMS = 100;

export class ReservationItemDto {
  @ApiProperty({ example: 'AUD-0001-1' })
  @IsString()
  @MaxLength(SKU_MAX)
  @Matches(SKU_PATTERN, { message: SKU_MESSAGE })
  sku: string;

  @ApiProperty({ minimum: 1, maximum: MAX_QUANTITY })
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity: number;
}

export class CreateReservationDto {
  @ApiProperty({ example: 'order:3f0c6a8e-2b1d-4f57-9a43-5a4a1f7e0c11', maxLength: RESERVATION_KEY_MAX })
  @IsString()
  @MaxLength(RESERVATION_KEY_MAX)
  @Matches(RESERVATION_KEY_PATTERN, {
    message: 'reservationKey may contain letters, digits, ":", ".", "_" and "-"',
  })
  reservationKey: string;

  @ApiProperty({ type: [ReservationItemDto], minItems: 1, maxItems: MAX_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ITEMS)
  @ArrayUnique((i: ReservationItemDto) => i?.sku, { message: 'items must have distinct skus' })
  @ValidateNested({ each: true })
  @Type(() => ReservationItemDto)
  items: ReservationItemDto[];

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 86_400,
    description: 'Defaults to RESERVATION_TTL_SECONDS (900).',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(86_400)
  ttlSeconds?: number;
}

/** A reserved line and the catalog data it was reserved at (what checkout prices the order with). */
export class ReservedItemDto {
  @ApiProperty() sku: string;
  @ApiProperty() quantity: number;
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description:
      'Integer minor units, read in the reserving transaction and stored: a replay answers the same. ' +
      'The reserve answer always has it (for a reservation stored before prices were kept, the current ' +
      'price); null when the variant no longer exists.',
  })
  price?: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) currency?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: "The product's name." }) name?:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: { type: 'string' } })
  options?: Record<string, string> | null;
  @ApiPropertyOptional({ nullable: true, type: Boolean, description: 'The product was on sale.' }) active?:
    boolean | null;
}

export class ReservationDto {
  @ApiProperty() reservationKey: string;
  @ApiProperty({ enum: RESERVATION_STATUSES }) status: string;
  @ApiProperty({ type: [ReservedItemDto], description: 'Sorted by sku.' }) items: ReservedItemDto[];
  @ApiProperty() expiresAt: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ nullable: true, type: String }) committedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'When released or expired.' }) releasedAt:
    string | null;
}

export class PricesRequestDto {
  @ApiProperty({ type: [String], minItems: 1, maxItems: 200 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(SKU_MAX, { each: true })
  @Matches(SKU_PATTERN, { each: true, message: `each ${SKU_MESSAGE}` })
  skus: string[];
}

export class PriceItemDto {
  @ApiProperty() sku: string;
  @ApiProperty({ format: 'uuid' }) productId: string;
  @ApiProperty() productSlug: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) options: Record<string, string>;
  @ApiProperty({ description: 'Integer minor units.' }) price: number;
  @ApiProperty() currency: string;
  @ApiProperty({ description: 'Units that can be reserved now.' }) available: number;
  @ApiProperty() inStock: boolean;
  @ApiProperty({ description: 'The product is on sale (status active); checkout must refuse it otherwise.' })
  active: boolean;
}

export class PricesResponseDto {
  @ApiProperty({ type: [PriceItemDto], description: 'In request order, known SKUs only.' })
  items: PriceItemDto[];
  @ApiProperty({ type: [String], description: 'Requested SKUs that do not exist.' }) missing: string[];
}
