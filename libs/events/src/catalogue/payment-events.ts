import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Currency, Id, Minor, Nullable } from './payload-rules';

// Payment-service's events: charges and refunds.

export class PaymentOutcomePayload {
  @Id() paymentId: string;
  @Id() orderId: string;
  @Nullable() @Id() customerId: string | null;
  @Minor() amount: number;
  @Currency() currency: string;
  /** Only on payment.declined. */
  @IsOptional() @IsString() @MaxLength(100) declineCode?: string;
}

export class PaymentRefundedPayload {
  @Id() paymentId: string;
  @Id() refundId: string;
  @Id() orderId: string;
  /** This refund. */
  @Minor() amount: number;
  @Currency() currency: string;
  /** Everything refunded on the payment so far, this refund included. */
  @Minor() refundedAmount: number;
}
