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

export const MAX_AMOUNT = 100_000_000;

export class CardDto {
  @ApiProperty({
    example: '4242424242424242',
    description: '13–19 digits, Luhn-valid. Never stored or logged.',
  })
  @IsString()
  @Matches(/^\d{13,19}$/, { message: 'card.number must be 13 to 19 digits' })
  number: string;

  @ApiProperty({ minimum: 1, maximum: 12, example: 12 })
  @IsInt()
  @Min(1)
  @Max(12)
  expMonth: number;

  @ApiProperty({ minimum: 2000, maximum: 2100, example: 2030 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  expYear: number;

  @ApiPropertyOptional({
    example: '123',
    description:
      '3 or 4 digits. Never stored or logged. Omitted when the merchant charges a stored card (a parked payment retried).',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{3,4}$/, { message: 'card.cvc must be 3 or 4 digits' })
  cvc?: string;
}

export class CreatePaymentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  orderId: string;

  @ApiProperty({ minimum: 1, maximum: MAX_AMOUNT, description: 'Integer minor units (cents)', example: 2599 })
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT)
  amount: number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217, upper case' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be three upper-case letters' })
  @IsISO4217CurrencyCode()
  currency: string;

  @ApiProperty({ type: CardDto })
  @IsObject()
  @ValidateNested()
  @Type(() => CardDto)
  card: CardDto;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}
