import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsISO4217CurrencyCode,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CardDto, CVC_MESSAGE, CVC_PATTERN, MAX_CHARGE_MINOR } from '@ha-shop/service-kit';

/** The card as a merchant sends it; no CVC when it charges a stored card (a parked payment retried). */
export class PaymentCardDto extends CardDto {
  @ApiPropertyOptional({
    example: '123',
    description:
      '3 or 4 digits. Never stored or logged. Omitted when the merchant charges a stored card (a parked payment retried).',
  })
  @IsOptional()
  @IsString()
  @Matches(CVC_PATTERN, { message: CVC_MESSAGE })
  cvc?: string;
}

export class CreatePaymentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  orderId: string;

  @ApiProperty({
    minimum: 1,
    maximum: MAX_CHARGE_MINOR,
    description: 'Integer minor units (cents)',
    example: 2599,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_CHARGE_MINOR)
  amount: number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217, upper case' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be three upper-case letters' })
  @IsISO4217CurrencyCode()
  currency: string;

  @ApiProperty({ type: PaymentCardDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PaymentCardDto)
  card: PaymentCardDto;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}
