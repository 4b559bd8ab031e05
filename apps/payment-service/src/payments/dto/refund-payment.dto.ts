import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_AMOUNT } from './create-payment.dto';

export class RefundPaymentDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_AMOUNT,
    description: 'Minor units; left out = everything not yet refunded',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT)
  amount?: number;
}
