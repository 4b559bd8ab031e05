import { carts } from './bff/shop';
import { isUnavailable } from './bff/api-client';
import type { Cart } from './bff/types';
import { cartRef, rememberCart, viewer, type CartRef } from './session';

export type CartLoad = { cart: Cart | null; unavailable: boolean };

/** The browser's active cart, or null when it has none (or it was checked out). */
export async function currentCart(): Promise<CartLoad> {
  const ref = await cartRef();
  if (!ref) return { cart: null, unavailable: false };
  const me = await viewer();
  const res = await carts.get(ref, me?.token);
  if (isUnavailable(res)) return { cart: null, unavailable: true };
  if (!res.ok || res.body.status !== 'active') return { cart: null, unavailable: false };
  return { cart: res.body, unavailable: false };
}

/** A cart to add to: the remembered one while active, else a new one (a customer's or a guest's). */
export async function ensureCart(): Promise<{ ref: CartRef } | { unavailable: true }> {
  const me = await viewer();
  const ref = await cartRef();
  if (ref) {
    const res = await carts.get(ref, me?.token);
    if (isUnavailable(res)) return { unavailable: true };
    if (res.ok && res.body.status === 'active') return { ref };
  }
  const created = await carts.create(me?.token);
  if (!created.ok) return { unavailable: true };
  const fresh: CartRef = { id: created.body.id, token: created.body.token };
  await rememberCart(fresh);
  return { ref: fresh };
}

/** After a declined payment the order took the cart; the customer keeps the same items in a new one. */
export async function restoreCart(lines: Array<{ sku: string; quantity: number }>): Promise<void> {
  const target = await ensureCart();
  if ('unavailable' in target) return;
  const me = await viewer();
  for (const line of lines) await carts.add(target.ref, line.sku, line.quantity, me?.token);
}
