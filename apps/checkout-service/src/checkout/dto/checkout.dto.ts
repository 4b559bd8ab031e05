import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsISO31661Alpha2,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  IsCreditCard,
  ValidateNested,
} from 'class-validator';
import { CardDto, CVC_MESSAGE, CVC_PATTERN } from '@ha-shop/service-kit';

// Printable text without control characters: addresses end up on labels and in emails.
const TEXT = /^[^\p{Cc}\p{Cf}]*$/u;
const textRule = { message: 'must not contain control characters' };

/** The shopper's card: the CVC is required here, and the number must pass the Luhn check. */
export class CheckoutCardDto extends CardDto {
  @IsCreditCard({ message: 'card.number must be a valid card number (checksum)' })
  declare number: string;

  @ApiProperty({ example: '123' })
  @IsString()
  @Matches(CVC_PATTERN, { message: CVC_MESSAGE })
  cvc: string;
}

export class PaymentDto {
  @ApiProperty({ type: CheckoutCardDto })
  @IsObject()
  @ValidateNested()
  @Type(() => CheckoutCardDto)
  card: CheckoutCardDto;
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
