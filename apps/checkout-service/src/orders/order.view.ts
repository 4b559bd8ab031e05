import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { EventPayload, OrderTransitionEvent } from '@ha-shop/events';
import { OrderRow } from './order.row';
import { ORDER_STATUSES, OrderStatus, TransitionContext } from './order.state-machine';

export class OrderLineView {
  @ApiProperty() sku: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Minor units, as charged.' }) unitPrice: number;
  @ApiProperty() quantity: number;
  @ApiProperty() lineTotal: number;
}

export class ShippingAddressView {
  @ApiProperty() name: string;
  @ApiProperty() line1: string;
  @ApiPropertyOptional() line2?: string;
  @ApiProperty() city: string;
  @ApiProperty() postalCode: string;
  @ApiPropertyOptional() region?: string;
  @ApiProperty({ example: 'DE' }) country: string;
  @ApiPropertyOptional() phone?: string;
}

export class OrderView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ORDER_STATUSES }) status: OrderStatus;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) userId: string | null;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ format: 'uuid' }) cartId: string;
  @ApiProperty({ type: [OrderLineView] }) lines: OrderLineView[];
  @ApiProperty() subtotal: number;
  @ApiProperty() shipping: number;
  @ApiProperty() total: number;
  @ApiProperty() currency: string;
  @ApiProperty({ type: ShippingAddressView }) shippingAddress: ShippingAddressView;
  @ApiProperty({ nullable: true, type: String }) paymentId: string | null;
  @ApiProperty({ nullable: true, type: String }) declineCode: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelReason: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class OrderPageView {
  @ApiProperty({ type: [OrderView] }) items: OrderView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next (older) page.' })
  nextCursor: string | null;
}

export function toOrderView(o: OrderRow): OrderView {
  return {
    id: o.id,
    status: o.status,
    userId: o.userId,
    email: o.email,
    cartId: o.cartId,
    lines: o.lines,
    subtotal: o.subtotal,
    shipping: o.shipping,
    total: o.total,
    currency: o.currency,
    shippingAddress: o.shippingAddress,
    paymentId: o.paymentId,
    declineCode: o.declineCode,
    cancelReason: o.cancelReason,
    version: o.version,
    createdAt: new Date(o.createdAt).toISOString(),
    updatedAt: new Date(o.updatedAt).toISOString(),
  };
}

/** What analytics needs from every order event (revenue, AOV, funnel); no address, no email. */
export function orderEventPayload(
  o: OrderRow,
  extra: Partial<TransitionContext> & { from?: OrderStatus } = {},
): EventPayload<OrderTransitionEvent> {
  return {
    orderId: o.id,
    userId: o.userId,
    guest: o.userId === null,
    cartId: o.cartId,
    status: o.status,
    ...(extra.from ? { from: extra.from } : {}),
    total: o.total,
    subtotal: o.subtotal,
    currency: o.currency,
    itemCount: o.lines.reduce((n, l) => n + l.quantity, 0),
    ...(extra.paymentId ? { paymentId: extra.paymentId } : {}),
    ...(extra.declineCode ? { declineCode: extra.declineCode } : {}),
    ...(extra.reason ? { reason: extra.reason } : {}),
    ...(extra.refundId ? { refundId: extra.refundId } : {}),
    ...(extra.actor ? { actor: extra.actor } : {}),
  };
}
