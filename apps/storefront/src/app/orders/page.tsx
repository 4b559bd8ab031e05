import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { DataTable } from '@/components/data-table';
import { money } from '@/components/money';
import { isUnavailable } from '@/lib/bff/api-client';
import { orders } from '@/lib/bff/shop';
import { viewer } from '@/lib/session';
import { statusText } from './status-text';

export const metadata: Metadata = { title: 'Your orders' };

export default async function OrdersPage() {
  const me = await viewer();
  if (!me) redirect('/login?next=/orders');
  const res = await orders.list(me.token);
  return (
    <>
      <h1>Your orders</h1>
      {isUnavailable(res) || !res.ok ? (
        <p className="notice warn" role="status">
          Your orders cannot be shown right now. Please try again in a moment.
        </p>
      ) : res.body.items.length === 0 ? (
        <p>
          No orders yet. <Link href="/products">Start shopping</Link>.
        </p>
      ) : (
        <DataTable
          caption="Your orders, newest first"
          columns={['Order', 'Placed', 'Items', 'Total', 'Status']}
        >
          {res.body.items.map((o) => (
            <tr key={o.id} data-testid="order-row">
              <td>
                <Link href={`/orders/${o.id}`}>{o.id.slice(0, 8)}</Link>
              </td>
              <td>{new Date(o.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC</td>
              <td>{o.lines.reduce((n, l) => n + l.quantity, 0)}</td>
              <td>{money(o.total, o.currency)}</td>
              <td>{statusText(o.status)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
