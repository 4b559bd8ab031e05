import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

/**
 * A payment card as checkout takes it from the shopper and hands it to payment-service.
 * The CVC rule differs by side (checkout requires it; payment-service does not for a stored
 * card), so each side's DTO extends this one with its own `cvc`.
 */
export class CardDto {
  @ApiProperty({
    example: '4242424242424242',
    description: '13–19 digits, Luhn-valid. Never logged; kept encrypted only while a payment is parked.',
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
}

/** What a card's CVC looks like; never stored or logged. */
export const CVC_PATTERN = /^\d{3,4}$/;
export const CVC_MESSAGE = 'card.cvc must be 3 or 4 digits';
