import { Body, Controller, Headers, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Principal } from '@ha-shop/auth';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_MAX,
  IDEMPOTENT_REPLAYED_HEADER,
  readIdempotencyKey,
} from '@ha-shop/service-kit';
import type { FastifyReply } from 'fastify';
import { CART_TOKEN_HEADER, readCartToken } from '../carts/cart-access';
import { CheckoutService } from './checkout.service';
import { CheckoutDto } from './dto/checkout.dto';

@ApiTags('checkout')
@ApiBearerAuth()
@Controller('checkout')
export class CheckoutController {
  constructor(private readonly checkout: CheckoutService) {}

  @Post()
  @ApiOperation({
    summary: 'Place an order from a cart and pay for it',
    description:
      '201 with the order when it is PAID or PAYMENT_FAILED; 202 while the payment provider is out (the order stays ' +
      'PENDING_PAYMENT and is charged later). A replay with the same Idempotency-Key returns the first response with ' +
      '`Idempotent-Replayed: true`; the same key with another body is a 422.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: `1–${IDEMPOTENCY_KEY_MAX} visible ASCII characters, e.g. a UUID`,
  })
  @ApiHeader({ name: CART_TOKEN_HEADER, required: false })
  @ApiResponse({ status: 201, description: '{ order }' })
  @ApiResponse({
    status: 202,
    description: "{ order, status: 'PENDING_PAYMENT', message: 'payment processing' }",
  })
  async create(
    @Body() dto: CheckoutDto,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentUser() principal?: Principal,
  ) {
    const key = readIdempotencyKey(headers[IDEMPOTENCY_KEY_HEADER]);
    const result = await this.checkout.checkout(key, dto, principal, readCartToken(headers));
    if (result.replayed) void reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    void reply.status(result.status);
    return result.body;
  }
}
