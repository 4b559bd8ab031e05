import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_CHARGE_MINOR } from '@ha-shop/service-kit';

export class RefundPaymentDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_CHARGE_MINOR,
    description: 'Minor units; left out = everything not yet refunded',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_CHARGE_MINOR)
  amount?: number;
}
