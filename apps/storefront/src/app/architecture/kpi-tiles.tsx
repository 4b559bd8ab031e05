import type { Kpis } from '@/lib/bff/types';
import { money } from '@/components/money';
import styles from './architecture.module.css';

/** KPI tiles; each says "unavailable" when analytics-service does not answer. */
export function KpiTiles({ kpis }: { kpis: Kpis | null }) {
  const tiles: Array<[string, string]> = kpis
    ? [
        ['Orders paid', String(kpis.orders.paid)],
        ['Orders per minute', kpis.ordersPerMinute.toFixed(2)],
        ['Revenue', kpis.revenue.map((r) => money(r.amountMinor, r.currency)).join(' + ') || '–'],
        [
          'Payment success',
          kpis.paymentSuccessRate === null ? '–' : `${Math.round(kpis.paymentSuccessRate * 100)} %`,
        ],
        [
          'Conversion',
          kpis.funnel.conversionRate === null ? '–' : `${(kpis.funnel.conversionRate * 100).toFixed(1)} %`,
        ],
        ['Active users', String(kpis.activeUsers)],
      ]
    : ['Orders paid', 'Orders per minute', 'Revenue', 'Payment success', 'Conversion', 'Active users'].map(
        (t) => [t, 'unavailable'] as [string, string],
      );
  return (
    <ul className={styles.tiles} data-testid="kpi-tiles">
      {tiles.map(([label, value]) => (
        <li key={label} className={styles.tile}>
          <span className={styles.tileLabel}>{label}</span>
          <span className={styles.tileValue}>{value}</span>
        </li>
      ))}
    </ul>
  );
}
