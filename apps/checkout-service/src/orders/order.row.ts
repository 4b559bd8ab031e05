import type { ShippingAddress } from '@ha-shop/service-kit';
import { OrderStatus } from './order.state-machine';

// The shape of a stored order, for everyone who reads one; its SQL lives in OrderRepository alone.

export interface OrderLine {
  sku: string;
  name: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
}

export type { ShippingAddress };

export type ReservationStatus = 'reserved' | 'committed' | 'released';

/** What the saga decides when it creates an order; the database sets the rest. */
export interface NewOrder {
  id: string;
  userId: string | null;
  email: string | null;
  cartId: string;
  currency: string;
  subtotal: number;
  shipping: number;
  total: number;
  lines: OrderLine[];
  shippingAddress: ShippingAddress;
  reservationKey: string;
  paymentKey: string;
}

export interface OrderRow extends NewOrder {
  status: OrderStatus;
  version: number;
  reservationStatus: ReservationStatus;
  paymentId: string | null;
  declineCode: string | null;
  cancelReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}
