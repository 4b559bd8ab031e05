import { Injectable } from '@nestjs/common';
import { Principal } from '@ha-shop/auth';
import { ProblemException } from '@ha-shop/service-kit';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { CartRepository, CartRow } from './cart.repository';

export const CART_TOKEN_HEADER = 'x-cart-token';
const TOKEN_MAX = 100;

export function newCartToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashCartToken(token) };
}

export function hashCartToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Constant-time: comparing digests of equal length leaks nothing about the stored token. */
export function cartTokenMatches(cart: Pick<CartRow, 'tokenHash'>, token: string | undefined): boolean {
  if (!cart.tokenHash || typeof token !== 'string' || token.length === 0 || token.length > TOKEN_MAX)
    return false;
  return timingSafeEqual(cart.tokenHash, hashCartToken(token));
}

/** Who presents what: the signed-in user (if any) and the guest capability token (if any). */
export interface CartCaller {
  principal?: Principal;
  cartToken?: string;
}

export function cartNotFound(): ProblemException {
  return new ProblemException(404, 'cart-not-found', 'No such cart.');
}

/**
 * Decides whether a caller may see a cart. A customer's cart is reachable only by that
 * customer; a guest cart only with its token (a signed-in user holding the token too, which
 * is how a guest cart gets merged). Anything else is a 404, the same as a missing cart.
 */
export function canAccessCart(cart: CartRow, caller: CartCaller): boolean {
  if (cart.status === 'merged' || cart.status === 'deleted') return false;
  if (cart.userId) return caller.principal?.userId === cart.userId;
  return cartTokenMatches(cart, caller.cartToken);
}

@Injectable()
export class CartAccess {
  constructor(private readonly carts: CartRepository) {}

  async load(cartId: string, caller: CartCaller, m?: EntityManager): Promise<CartRow> {
    const cart = await this.carts.find(cartId, m);
    if (!cart || !canAccessCart(cart, caller)) throw cartNotFound();
    return cart;
  }
}

export function readCartToken(headers: Record<string, string | string[] | undefined>): string | undefined {
  const raw = headers[CART_TOKEN_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value && value.length <= TOKEN_MAX ? value : undefined;
}
