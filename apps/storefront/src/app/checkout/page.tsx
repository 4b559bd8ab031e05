import type { Metadata } from 'next';
import Link from 'next/link';
import { randomUUID } from 'node:crypto';
import { money } from '@/components/money';
import { currentCart } from '@/lib/cart-service';
import { viewer } from '@/lib/session';
import { CheckoutForm } from './checkout-form';

export const metadata: Metadata = { title: 'Checkout' };

export default async function CheckoutPage() {
  const [{ cart, unavailable }, me] = await Promise.all([currentCart(), viewer()]);
  if (unavailable) {
    return (
      <>
        <h1>Checkout</h1>
        <p className="notice warn" role="status">
          Checkout is temporarily unavailable. Your cart is kept; please try again in a moment.
        </p>
      </>
    );
  }
  if (!cart || cart.items.length === 0) {
    return (
      <>
        <h1>Checkout</h1>
        <p>
          Your cart is empty. <Link href="/products">Browse the catalog</Link>.
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Checkout</h1>
      <p>
        {cart.itemCount} item{cart.itemCount === 1 ? '' : 's'}, subtotal{' '}
        <strong>{money(cart.subtotal, cart.currency ?? 'EUR')}</strong> (<Link href="/cart">edit cart</Link>)
      </p>
      <CheckoutForm signedInAs={me?.email ?? null} attemptKey={randomUUID()} />
    </>
  );
}
