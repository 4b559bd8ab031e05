import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataTable } from '@/components/data-table';
import { money } from '@/components/money';
import { isUnavailable } from '@/lib/bff/api-client';
import { orders } from '@/lib/bff/shop';
import { cartRef, viewer } from '@/lib/session';
import { statusText } from '../status-text';

export const metadata: Metadata = { title: 'Order' };

type Params = Promise<{ id: string }>;
type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function OrderPage({ params, searchParams }: { params: Params; searchParams: Search }) {
  const { id } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const placed = (await searchParams).placed === '1';
  const [me, cart] = await Promise.all([viewer(), cartRef()]);
  const res = await orders.get(id, me?.token, cart ?? undefined);
  if (isUnavailable(res)) {
    return (
      <>
        <h1>Order</h1>
        <p className="notice warn" role="status">
          This order cannot be shown right now; it is safe. Please reload in a moment.
        </p>
      </>
    );
  }
  if (!res.ok) notFound();
  const o = res.body;
  return (
    <>
      <h1>{placed ? 'Thank you for your order' : 'Order'}</h1>
      {o.status === 'PAID' && placed && (
        <p className="notice ok" role="status" data-testid="order-confirmed">
          Your order is confirmed and paid.
        </p>
      )}
      {o.status === 'PENDING_PAYMENT' && (
        <p className="notice warn" role="status" data-testid="order-processing">
          Payment processing: the payment provider is slow to answer. Your order is saved and will be charged
          automatically; you do not need to order again. Reload this page to see its status.
        </p>
      )}
      <dl>
        <dt>Order number</dt>
        <dd data-testid="order-id">{o.id}</dd>
        <dt>Status</dt>
        <dd data-testid="order-status">{statusText(o.status)}</dd>
        <dt>Ship to</dt>
        <dd>
          {o.shippingAddress.name}, {o.shippingAddress.line1}, {o.shippingAddress.postalCode}{' '}
          {o.shippingAddress.city}, {o.shippingAddress.country}
        </dd>
      </dl>
      <DataTable caption="Items in this order" columns={['Item', 'Quantity', 'Total']}>
        {o.lines.map((l) => (
          <tr key={l.sku}>
            <td>
              {l.name} <span className="hint">({l.sku})</span>
            </td>
            <td>{l.quantity}</td>
            <td>{money(l.lineTotal, o.currency)}</td>
          </tr>
        ))}
      </DataTable>
      <p>
        Total: <strong>{money(o.total, o.currency)}</strong>
      </p>
      {me && <Link href="/orders">All your orders</Link>}
    </>
  );
}
