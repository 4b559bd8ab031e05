import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageLimit } from '@ha-shop/service-kit';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ORDER_STATUSES, OrderStatus } from '../order.state-machine';

export class OrderPageQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is malformed' })
  cursor?: string;

  @PageLimit()
  limit?: number;
}

export class AdminOrderPageQueryDto extends OrderPageQueryDto {
  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;
}
