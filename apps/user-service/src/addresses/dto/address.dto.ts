import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsISO31661Alpha2, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { SingleLine, Trim } from '../../common/validation';
import { AddressEntity } from '../address.entity';

const UpperTrim = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toUpperCase() : value,
  );

export class CreateAddressDto {
  @ApiProperty({ example: 'Ada Lovelace', description: 'Recipient name', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  @SingleLine()
  name: string;

  @ApiProperty({ example: '12 St James Square', minLength: 1, maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  @SingleLine()
  line1: string;

  @ApiPropertyOptional({ example: 'Flat 3', maxLength: 200, nullable: true })
  @Trim()
  @IsOptional()
  @IsString()
  @Length(0, 200)
  @SingleLine()
  line2?: string | null;

  @ApiProperty({ example: 'London', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  @SingleLine()
  city: string;

  @ApiProperty({ example: 'SW1Y 4JH', minLength: 1, maxLength: 20 })
  @Trim()
  @IsString()
  @Length(1, 20)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, {
    message: 'postalCode may contain only letters, digits, spaces and hyphens',
  })
  postalCode: string;

  @ApiProperty({ example: 'GB', description: 'ISO 3166-1 alpha-2 country code', minLength: 2, maxLength: 2 })
  @UpperTrim()
  @IsString()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code such as GB or DE' })
  country: string;
}

// PATCH: a field may be left out, but a field that is sent must be valid. `null` passes
// only for line2 (it clears it); IsOptional would let `name: null` through to a NOT NULL column.
const IfPresent = () => ValidateIf((_o: object, v: unknown) => v !== undefined);

/** Any subset of the fields; `line2: null` clears it. */
export class UpdateAddressDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @Trim()
  @IfPresent()
  @IsString()
  @Length(1, 100)
  @SingleLine()
  name?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @Trim()
  @IfPresent()
  @IsString()
  @Length(1, 200)
  @SingleLine()
  line1?: string;

  @ApiPropertyOptional({ maxLength: 200, nullable: true })
  @Trim()
  @IsOptional()
  @IsString()
  @Length(0, 200)
  @SingleLine()
  line2?: string | null;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @Trim()
  @IfPresent()
  @IsString()
  @Length(1, 100)
  @SingleLine()
  city?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 20 })
  @Trim()
  @IfPresent()
  @IsString()
  @Length(1, 20)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, {
    message: 'postalCode may contain only letters, digits, spaces and hyphens',
  })
  postalCode?: string;

  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2 country code' })
  @UpperTrim()
  @IfPresent()
  @IsString()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code such as GB or DE' })
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
