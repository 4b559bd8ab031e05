/** The API's shapes as the storefront reads them (see the services' DTOs and OpenAPI at /docs). */
import type { ShippingAddress } from '@ha-shop/service-kit';

// Contracts shared with the services, defined once in service-kit (types only, nothing runs here).
export type { Kpis, MoneyFigure, ShippingAddress } from '@ha-shop/service-kit';

export interface Variant {
  sku: string;
  options: Record<string, string>;
  price: number;
  currency: string;
  inStock: boolean;
}

export interface ProductSummary {
  id: string;
  slug: string;
  name: string;
  category: { slug: string; name: string };
  images: string[];
  priceFrom: { amount: number; currency: string } | null;
  inStock: boolean;
  variants: Variant[];
}

export interface ProductDetail extends ProductSummary {
  description: string;
}

export interface Category {
  slug: string;
  name: string;
  productCount: number;
}

export interface CartLine {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
  currency: string;
  available: boolean;
}

export interface Cart {
  id: string;
  userId: string | null;
  status: 'active' | 'checked_out' | 'merged' | 'deleted';
  items: CartLine[];
  itemCount: number;
  subtotal: number;
  currency: string | null;
  pricesStale: boolean;
  token?: string;
}

export type OrderStatus =
  'PENDING_PAYMENT' | 'PAID' | 'PAYMENT_FAILED' | 'CANCELLED' | 'FULFILLED' | 'REFUNDED' | string;

export interface Order {
  id: string;
  status: OrderStatus;
  email: string | null;
  cartId: string;
  lines: Array<{ sku: string; name: string; unitPrice: number; quantity: number; lineTotal: number }>;
  subtotal: number;
  shipping: number;
  total: number;
  currency: string;
  shippingAddress: ShippingAddress;
  declineCode: string | null;
  createdAt: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}
