import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InternalOnly } from '@ha-shop/auth';
import type { FastifyReply } from 'fastify';
import { IDEMPOTENCY_KEY_MAX, IDEMPOTENT_REPLAYED_HEADER } from '@ha-shop/service-kit';
import { IdempotencyKey } from '../idempotency/idempotency-key.decorator';
import { IdempotentResult } from '../idempotency/idempotency.service';
import { ProviderAvailabilityGuard } from '../simulation/provider-availability.guard';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { ListPaymentsQuery } from './dto/list-payments.query';
import { RefundPaymentDto } from './dto/refund-payment.dto';
import { PaymentListView, PaymentView, RefundView } from './payment-view';
import { PaymentsService } from './payments.service';

const idempotencyHeader = ApiHeader({
  name: 'Idempotency-Key',
  required: true,
  description: `1–${IDEMPOTENCY_KEY_MAX} visible ASCII characters; a replay returns the first response with Idempotent-Replayed: true`,
});

/** Service-to-service only (checkout-service); the edge never routes here. */
@ApiTags('payments')
@Controller('payments')
@InternalOnly()
@UseGuards(ProviderAvailabilityGuard)
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post()
  @ApiOperation({ summary: 'Charge a card. Authorised and declined payments are both 201 with the payment.' })
  @idempotencyHeader
  @ApiResponse({ status: 201, type: PaymentView })
  async create(
    @IdempotencyKey() key: string,
    @Body() dto: CreatePaymentDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    send(reply, await this.payments.charge(key, dto));
  }

  @Post(':id/refund')
  @ApiOperation({ summary: 'Refund all (no amount) or part of an authorised payment' })
  @idempotencyHeader
  @ApiResponse({ status: 201, type: RefundView })
  async refund(
    @Param('id', new ParseUUIDPipe()) id: string,
    @IdempotencyKey() key: string,
    @Body() dto: RefundPaymentDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    send(reply, await this.payments.refund(key, id, dto));
  }

  @Get()
  @ApiResponse({ status: 200, type: PaymentListView })
  async list(@Query() query: ListPaymentsQuery): Promise<PaymentListView> {
    return { items: await this.payments.listByOrder(query.orderId) };
  }

  @Get(':id')
  @ApiResponse({ status: 200, type: PaymentView })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<PaymentView> {
    return this.payments.get(id);
  }
}

/** Sends the stored JSON text as is, so a replay is the same status and the same bytes. */
function send(reply: FastifyReply, result: IdempotentResult): void {
  if (result.replayed) void reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
  void reply.status(result.status).type('application/json; charset=utf-8').send(result.body);
}
