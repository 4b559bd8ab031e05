import { randomUUID } from 'node:crypto';
import { api } from './api-client';
import type { Cart, Kpis, Order, ShippingAddress, TokenPair } from './types';
import type { CartRef } from '../session';

const cartHeaders = (ref: CartRef) => (ref.token ? { 'x-cart-token': ref.token } : undefined);

export const carts = {
  create: (token?: string) => api<Cart>('checkout', { method: 'POST', path: '/carts', token }),
  get: (ref: CartRef, token?: string) =>
    api<Cart>('checkout', { path: `/carts/${ref.id}`, token, headers: cartHeaders(ref) }),
  add: (ref: CartRef, sku: string, quantity: number, token?: string) =>
    api<Cart>('checkout', {
      method: 'POST',
      path: `/carts/${ref.id}/items`,
      body: { sku, quantity },
      token,
      headers: cartHeaders(ref),
    }),
  setQuantity: (ref: CartRef, sku: string, quantity: number, token?: string) =>
    api<Cart>('checkout', {
      method: 'PATCH',
      path: `/carts/${ref.id}/items/${encodeURIComponent(sku)}`,
      body: { quantity },
      token,
      headers: cartHeaders(ref),
    }),
  remove: (ref: CartRef, sku: string, token?: string) =>
    api<Cart>('checkout', {
      method: 'DELETE',
      path: `/carts/${ref.id}/items/${encodeURIComponent(sku)}`,
      token,
      headers: cartHeaders(ref),
    }),
  merge: (guest: CartRef, token: string) =>
    api<Cart>('checkout', {
      method: 'POST',
      path: '/carts/merge',
      body: { guestCartId: guest.id, guestCartToken: guest.token },
      token,
    }),
};

export interface CheckoutInput {
  cart: CartRef;
  email?: string;
  shippingAddress: ShippingAddress;
  card: { number: string; expMonth: number; expYear: number; cvc: string };
  /** One key per attempt the customer makes; a retry of that same attempt reuses it. */
  idempotencyKey?: string;
}

export function placeOrder(input: CheckoutInput, token?: string) {
  return api<{ order: Order; status?: string; message?: string }>('checkout', {
    method: 'POST',
    path: '/checkout',
    token,
    headers: { 'idempotency-key': input.idempotencyKey ?? randomUUID(), ...cartHeaders(input.cart) },
    body: {
      cartId: input.cart.id,
      ...(input.email ? { email: input.email } : {}),
      shippingAddress: input.shippingAddress,
      payment: { card: input.card },
    },
  });
}

export const orders = {
  list: (token: string, cursor?: string) =>
    api<{ items: Order[]; nextCursor: string | null }>('checkout', {
      path: `/orders?${new URLSearchParams({ limit: '20', ...(cursor ? { cursor } : {}) })}`,
      token,
    }),
  get: (id: string, token?: string, cart?: CartRef) =>
    api<Order>('checkout', { path: `/orders/${id}`, token, headers: cart ? cartHeaders(cart) : undefined }),
};

export const accounts = {
  register: (email: string, password: string, name: string) =>
    api<{ id: string }>('user', { method: 'POST', path: '/users', body: { email, password, name } }),
  login: (email: string, password: string) =>
    api<TokenPair>('user', { method: 'POST', path: '/auth/login', body: { email, password } }),
  logout: (refreshToken: string) =>
    api<void>('user', { method: 'POST', path: '/auth/logout', body: { refreshToken }, headers: {} }),
};

/** Business KPIs; analytics answers signed-in callers only (the dashboard passes the admin's token). */
export function kpis(token: string | undefined, window = '1h') {
  return api<Kpis>('analytics', {
    path: `/analytics/kpis?window=${window}`,
    token,
    deadline: Date.now() + 3_000,
  });
}
