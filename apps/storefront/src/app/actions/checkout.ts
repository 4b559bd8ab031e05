'use server';

import { randomUUID } from 'node:crypto';
import { redirect } from 'next/navigation';
import { registerAccount } from '@/lib/auth-service';
import { isUnavailable, problemDetail } from '@/lib/bff/api-client';
import { placeOrder } from '@/lib/bff/shop';
import { restoreCart } from '@/lib/cart-service';
import { cartRef, viewer } from '@/lib/session';

export interface CheckoutState {
  kind?: 'declined' | 'unavailable' | 'invalid';
  message?: string;
  /** The next attempt's Idempotency-Key: a double submit of one attempt is one order. */
  attemptKey: string;
  values?: Record<string, string>;
}

const ADDRESS_FIELDS = ['name', 'line1', 'line2', 'city', 'postalCode', 'country'] as const;

export async function checkoutAction(prev: CheckoutState, form: FormData): Promise<CheckoutState> {
  const text = (k: string) => String(form.get(k) ?? '').trim();
  const values: Record<string, string> = {};
  for (const k of [...ADDRESS_FIELDS, 'email', 'accountName']) values[k] = text(k);
  const fail = (
    kind: CheckoutState['kind'],
    message: string,
    attemptKey = prev.attemptKey,
  ): CheckoutState => ({
    kind,
    message,
    attemptKey,
    values,
  });

  let me = await viewer();
  if (!me && form.get('createAccount') === 'on') {
    const error = await registerAccount(
      values.email,
      String(form.get('password') ?? ''),
      values.accountName || values.name,
    );
    if (error) return fail('invalid', error);
    me = await viewer();
  }
  const cart = await cartRef();
  if (!cart) return fail('invalid', 'Your cart is empty.');
  const [expMonth, expYear] = text('expiry')
    .split('/')
    .map((p) => Number(p.trim()));
  const res = await placeOrder(
    {
      cart,
      email: me ? undefined : values.email,
      shippingAddress: {
        name: values.name,
        line1: values.line1,
        ...(values.line2 ? { line2: values.line2 } : {}),
        city: values.city,
        postalCode: values.postalCode,
        country: values.country.toUpperCase(),
      },
      card: {
        number: text('cardNumber').replace(/[\s-]/g, ''),
        expMonth: expMonth || 0,
        expYear: expYear < 100 ? 2000 + expYear : expYear || 0,
        cvc: text('cvc'),
      },
      idempotencyKey: prev.attemptKey,
    },
    me?.token,
  );
  if (isUnavailable(res)) {
    const wait = res.retryAfterSeconds ? ` in about ${res.retryAfterSeconds} seconds` : ' in a moment';
    return fail(
      'unavailable',
      `Checkout is temporarily unavailable. Your cart is kept; please try again${wait}.`,
    );
  }
  if (!res.ok) {
    // Refused before any order existed: the same attempt may be retried once fixed.
    return fail('invalid', problemDetail(res.body, 'Please check your details.'), randomUUID());
  }
  const { order } = res.body;
  if (order.status === 'PAYMENT_FAILED') {
    await restoreCart(order.lines);
    return fail(
      'declined',
      `Your card was declined${order.declineCode ? ` (${order.declineCode.replace(/_/g, ' ')})` : ''}. Nothing was charged and your cart is kept: try another card.`,
      randomUUID(),
    );
  }
  redirect(`/orders/${order.id}?placed=1`);
}
