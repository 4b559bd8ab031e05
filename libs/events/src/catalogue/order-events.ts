import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Count, Currency, Id, Minor, Nullable } from './payload-rules';

// Checkout-service's events: the shopping funnel and every order status change.

export class CartItemAddedPayload {
  @Id() cartId: string;
  @Nullable() @Id() userId: string | null;
  @Id() sku: string;
  /** Units added by this request. */
  @IsInt() @Min(1) quantity: number;
  /** Units of the SKU in the cart afterwards. */
  @IsInt() @Min(1) lineQuantity: number;
  @Minor() unitPrice: number;
  @Currency() currency: string;
}

export class CheckoutStartedPayload {
  @Id() cartId: string;
  @Id() orderId: string;
  @Nullable() @Id() userId: string | null;
  @IsBoolean() guest: boolean;
  @Count() itemCount: number;
  @Minor() subtotal: number;
  /** Null for an empty cart (the checkout then fails). */
  @Nullable() @Currency() currency: string | null;
}

/** Every status an order can be in; checkout's state machine moves between exactly these. */
export const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'PAID',
  'PAYMENT_FAILED',
  'CANCELLED',
  'FULFILLED',
  'REFUNDED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** What analytics needs from every order event (revenue, AOV, funnel); no address, no email. */
export class OrderEventPayload {
  @Id() orderId: string;
  @Nullable() @Id() userId: string | null;
  @IsBoolean() guest: boolean;
  @Id() cartId: string;
  @IsIn(ORDER_STATUSES) status: OrderStatus;
  /** The status before this change; absent on order.placed. */
  @IsOptional() @IsIn(ORDER_STATUSES) from?: OrderStatus;
  /** The order's total in minor units: revenue for order.paid, the refunded sum for order.refunded. */
  @Minor() total: number;
  @Minor() subtotal: number;
  @Currency() currency: string;
  @Count() itemCount: number;
  @IsOptional() @Id() paymentId?: string;
  @IsOptional() @IsString() @MaxLength(100) declineCode?: string;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
  @IsOptional() @Id() refundId?: string;
  @IsOptional() @IsIn(['system', 'admin']) actor?: 'system' | 'admin';
}

export class OrderLinePayload {
  @Id() sku: string;
  @IsInt() @Min(1) quantity: number;
  @Minor() unitPrice: number;
  @Minor() lineTotal: number;
}

export class OrderPlacedPayload extends OrderEventPayload {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => OrderLinePayload)
  lines: OrderLinePayload[];
}
