import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DECLINE_CODES, DeclineCode } from '@ha-shop/service-kit';
import { PaymentEntity, PaymentStatus } from './payment.entity';
import { RefundEntity } from './refund.entity';

/** The payment object every route answers with. Built with a fixed key order, so replays are byte-identical. */
export class PaymentView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['authorised', 'declined'] })
  status: PaymentStatus;

  @ApiPropertyOptional({ enum: DECLINE_CODES, description: 'Only on declined payments' })
  declineCode?: DeclineCode;

  @ApiProperty({ description: 'Minor units' })
  amount: number;

  @ApiProperty({ example: 'EUR' })
  currency: string;

  @ApiProperty({ format: 'uuid' })
  orderId: string;

  @ApiPropertyOptional({ format: 'uuid' })
  customerId?: string;

  @ApiProperty({ example: 'visa' })
  cardBrand: string;

  @ApiProperty({ example: '4242' })
  cardLast4: string;

  @ApiProperty({ description: 'Minor units refunded so far (as of this response)' })
  refundedAmount: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class RefundView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  paymentId: string;

  @ApiProperty({ format: 'uuid' })
  orderId: string;

  @ApiProperty({ enum: ['succeeded'] })
  status: 'succeeded';

  @ApiProperty({ description: 'Minor units refunded by this refund' })
  amount: number;

  @ApiProperty()
  currency: string;

  @ApiProperty({ description: 'Minor units refunded on the payment in total, including this refund' })
  paymentRefundedAmount: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class PaymentListView {
  @ApiProperty({ type: [PaymentView] })
  items: PaymentView[];
}

export function toPaymentView(p: PaymentEntity): PaymentView {
  return {
    id: p.id,
    status: p.status,
    ...(p.declineCode ? { declineCode: p.declineCode } : {}),
    amount: p.amount,
    currency: p.currency,
    orderId: p.orderId,
    ...(p.customerId ? { customerId: p.customerId } : {}),
    cardBrand: p.cardBrand,
    cardLast4: p.cardLast4,
    refundedAmount: p.refundedAmount,
    createdAt: p.createdAt.toISOString(),
  };
}

export function toRefundView(
  r: RefundEntity,
  payment: Pick<PaymentEntity, 'orderId' | 'refundedAmount'>,
): RefundView {
  return {
    id: r.id,
    paymentId: r.paymentId,
    orderId: payment.orderId,
    status: 'succeeded',
    amount: r.amount,
    currency: r.currency,
    paymentRefundedAmount: payment.refundedAmount,
    createdAt: r.createdAt.toISOString(),
  };
}
