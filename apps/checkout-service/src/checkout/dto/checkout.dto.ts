import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsInt,
  IsISO31661Alpha2,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  IsCreditCard,
  ValidateNested,
} from 'class-validator';

// Printable text without control characters: addresses end up on labels and in emails.
const TEXT = /^[^\p{Cc}\p{Cf}]*$/u;
const textRule = { message: 'must not contain control characters' };

export class CardDto {
  @ApiProperty({
    example: '4242424242424242',
    description: 'Never logged; kept encrypted only while a payment is parked.',
  })
  @IsString()
  @Matches(/^\d{13,19}$/, { message: 'number must be 13 to 19 digits' })
  @IsCreditCard({ message: 'number must be a valid card number (checksum)' })
  number: string;

  @ApiProperty({ minimum: 1, maximum: 12 })
  @IsInt()
  @Min(1)
  @Max(12)
  expMonth: number;

  @ApiProperty({ minimum: 2000, maximum: 2100 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  expYear: number;

  @ApiProperty({ example: '123' })
  @IsString()
  @Matches(/^\d{3,4}$/, { message: 'cvc must be 3 or 4 digits' })
  cvc: string;
}

export class PaymentDto {
  @ApiProperty({ type: CardDto })
  @IsObject()
  @ValidateNested()
  @Type(() => CardDto)
  card: CardDto;
}

export class ShippingAddressDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(TEXT, textRule)
  name: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(TEXT, textRule)
  line1: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(TEXT, textRule)
  line2?: string;

  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(TEXT, textRule)
  city: string;

  @ApiProperty({ maxLength: 20 })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 -]{0,19}$/, {
    message: 'postalCode must be 1 to 20 letters, digits, spaces or hyphens',
  })
  postalCode: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(TEXT, textRule)
  region?: string;

  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2' })
  @IsISO31661Alpha2()
  country: string;

  @ApiPropertyOptional({ maxLength: 30 })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9 ()-]{3,30}$/, {
    message: 'phone must be 3 to 30 digits, spaces, parentheses or hyphens',
  })
  phone?: string;
}

export class CheckoutDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  cartId: string;

  @ApiPropertyOptional({ description: 'Guest carts: the cart token (or send it as X-Cart-Token).' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  cartToken?: string;

  @ApiProperty({ type: ShippingAddressDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ShippingAddressDto)
  shippingAddress: ShippingAddressDto;

  @ApiProperty({ type: PaymentDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PaymentDto)
  payment: PaymentDto;

  @ApiPropertyOptional({
    description: 'Required for guests; defaults to the signed-in email.',
    maxLength: 254,
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;
}
