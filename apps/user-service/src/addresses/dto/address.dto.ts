import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsISO31661Alpha2, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { SingleLine, Trim } from '../../common/validation';
import { AddressEntity } from '../address.entity';

// The rules of one field, for the create and the patch DTO alike. Listed last-checked first,
// the order stacked decorators apply in, so a field's error messages keep their order.

/** Single-line text, trimmed, of min..max characters. */
const AddressText = (min: number, max: number) =>
  applyDecorators(SingleLine(), Length(min, max), IsString(), Trim());

const PostalCode = () =>
  applyDecorators(
    Matches(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, {
      message: 'postalCode may contain only letters, digits, spaces and hyphens',
    }),
    Length(1, 20),
    IsString(),
    Trim(),
  );

/** Trimmed and upper-cased before the ISO 3166-1 check. */
const CountryCode = () =>
  applyDecorators(
    IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code such as GB or DE' }),
    IsString(),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim().toUpperCase() : value,
    ),
  );

export class CreateAddressDto {
  @ApiProperty({ example: 'Ada Lovelace', description: 'Recipient name', minLength: 1, maxLength: 100 })
  @AddressText(1, 100)
  name: string;

  @ApiProperty({ example: '12 St James Square', minLength: 1, maxLength: 200 })
  @AddressText(1, 200)
  line1: string;

  @ApiPropertyOptional({ example: 'Flat 3', maxLength: 200, nullable: true })
  @IsOptional()
  @AddressText(0, 200)
  line2?: string | null;

  @ApiProperty({ example: 'London', minLength: 1, maxLength: 100 })
  @AddressText(1, 100)
  city: string;

  @ApiProperty({ example: 'SW1Y 4JH', minLength: 1, maxLength: 20 })
  @PostalCode()
  postalCode: string;

  @ApiProperty({ example: 'GB', description: 'ISO 3166-1 alpha-2 country code', minLength: 2, maxLength: 2 })
  @CountryCode()
  country: string;
}

// PATCH: a field may be left out, but a field that is sent must be valid. `null` passes
// only for line2 (it clears it); IsOptional would let `name: null` through to a NOT NULL column.
const IfPresent = () => ValidateIf((_o: object, v: unknown) => v !== undefined);

/** Any subset of the fields; `line2: null` clears it. */
export class UpdateAddressDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IfPresent()
  @AddressText(1, 100)
  name?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IfPresent()
  @AddressText(1, 200)
  line1?: string;

  @ApiPropertyOptional({ maxLength: 200, nullable: true })
  @IsOptional()
  @AddressText(0, 200)
  line2?: string | null;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IfPresent()
  @AddressText(1, 100)
  city?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 20 })
  @IfPresent()
  @PostalCode()
  postalCode?: string;

  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2 country code' })
  @IfPresent()
  @CountryCode()
  country?: string;
}

export class AddressDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty()
  line1: string;
  @ApiProperty({ nullable: true, type: String })
  line2: string | null;
  @ApiProperty()
  city: string;
  @ApiProperty()
  postalCode: string;
  @ApiProperty()
  country: string;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  static from(a: AddressEntity): AddressDto {
    return {
      id: a.id,
      name: a.name,
      line1: a.line1,
      line2: a.line2 || null,
      city: a.city,
      postalCode: a.postalCode,
      country: a.country,
      createdAt: new Date(a.createdAt).toISOString(),
      updatedAt: new Date(a.updatedAt).toISOString(),
    };
  }
}

export class AddressListDto {
  @ApiProperty({ type: [AddressDto] })
  items: AddressDto[];
}
