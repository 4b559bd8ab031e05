import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/components/data-table';
import { money } from '@/components/money';
import { currentCart } from '@/lib/cart-service';
import { updateLine } from '../actions/cart';

export const metadata: Metadata = { title: 'Cart' };

export default async function CartPage() {
  const { cart, unavailable } = await currentCart();
  if (unavailable) {
    return (
      <>
        <h1>Your cart</h1>
        <p className="notice warn" role="status" data-testid="degraded-notice">
          Your cart is saved but cannot be shown right now. Please try again in a moment.
        </p>
      </>
    );
  }
  if (!cart || cart.items.length === 0) {
    return (
      <>
        <h1>Your cart</h1>
        <p>
          Your cart is empty. <Link href="/products">Browse the catalog</Link>.
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Your cart</h1>
      {cart.pricesStale && (
        <p className="notice warn" role="status">
          Prices shown are the last known ones; they are confirmed at checkout.
        </p>
      )}
      <DataTable caption="Items in your cart" columns={['Item', 'Price', 'Quantity', 'Total']}>
        {cart.items.map((line) => (
          <tr key={line.sku} data-testid="cart-line">
            <td>
              {line.name}
              <div className="hint">SKU {line.sku}</div>
              {!line.available && <div className="stock-out">No longer available</div>}
            </td>
            <td>{money(line.unitPrice, line.currency)}</td>
            <td>
              <form action={updateLine} className="row">
                <input type="hidden" name="sku" value={line.sku} />
                <label htmlFor={`qty-${line.sku}`} className="visually-hidden">
                  Quantity of {line.name}
                </label>
                <input
                  id={`qty-${line.sku}`}
                  name="quantity"
                  type="number"
                  min={1}
                  max={10}
                  defaultValue={line.quantity}
                  style={{ maxWidth: '5rem' }}
                />
                <button type="submit" className="secondary">
                  Update
                </button>
                <button
                  type="submit"
                  name="remove"
                  value="1"
                  className="secondary"
                  aria-label={`Remove ${line.name}`}
                >
                  Remove
                </button>
              </form>
            </td>
            <td>{money(line.lineTotal, line.currency)}</td>
          </tr>
        ))}
      </DataTable>
      <p style={{ fontSize: '1.2rem' }}>
        Subtotal: <strong data-testid="cart-subtotal">{money(cart.subtotal, cart.currency ?? 'EUR')}</strong>
      </p>
      <Link className="button" href="/checkout">
        Go to checkout
      </Link>
    </>
  );
}
