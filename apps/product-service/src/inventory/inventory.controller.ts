import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InternalOnly } from '@ha-shop/auth';
import type { FastifyReply } from 'fastify';
import { reservationKeyParam } from '../common/patterns';
import {
  CreateReservationDto,
  PricesRequestDto,
  PricesResponseDto,
  ReservationDto,
} from './dto/inventory.dto';
import { PricesService } from './prices.service';
import { ReservationService } from './reservation.service';

/** Service-to-service API for checkout-service; the edge never routes `/internal`. */
@ApiTags('internal')
@InternalOnly()
@Controller('internal')
export class InventoryController {
  constructor(
    private readonly reservations: ReservationService,
    private readonly prices: PricesService,
  ) {}

  @Post('inventory/reservations')
  @ApiCreatedResponse({
    type: ReservationDto,
    description: 'Created; a replay of the same key and items answers 200.',
  })
  async reserve(
    @Body() dto: CreateReservationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReservationDto> {
    const { created, reservation } = await this.reservations.reserve(dto);
    if (!created) void reply.status(200);
    return reservation;
  }

  @Get('inventory/reservations/:key')
  @ApiOkResponse({ type: ReservationDto })
  get(@Param('key', reservationKeyParam()) key: string): Promise<ReservationDto> {
    return this.reservations.get(key);
  }

  @Post('inventory/reservations/:key/commit')
  @HttpCode(200)
  @ApiOkResponse({ type: ReservationDto })
  commit(@Param('key', reservationKeyParam()) key: string): Promise<ReservationDto> {
    return this.reservations.commit(key);
  }

  @Post('inventory/reservations/:key/release')
  @HttpCode(200)
  @ApiOkResponse({ type: ReservationDto })
  release(@Param('key', reservationKeyParam()) key: string): Promise<ReservationDto> {
    return this.reservations.release(key);
  }

  @Post('prices')
  @HttpCode(200)
  @ApiOkResponse({ type: PricesResponseDto })
  lookupPrices(@Body() dto: PricesRequestDto): Promise<PricesResponseDto> {
    return this.prices.lookup(dto.skus);
  }
}
