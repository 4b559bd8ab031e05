import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';

/** Fields left out keep their current value. */
export class UpdateFaultsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 60_000, description: 'Added to each charge and refund' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  latencyMs?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'Share of charges declined at random' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  declineRate?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'Share of /payments requests answered 503' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  outageRate?: number;
}
