/**
 * analytics-service's KPI report (GET /analytics/kpis), as it answers and the storefront's
 * dashboard reads it. Types and a constant only, so the browser side can import it.
 */
export const KPI_WINDOWS = { '5m': 5, '15m': 15, '1h': 60, '24h': 1440, '7d': 10080 } as const;
export type KpiWindow = keyof typeof KPI_WINDOWS;

export interface MoneyFigure {
  currency: string;
  amountMinor: number;
}

export interface Kpis {
  window: KpiWindow;
  from: string;
  to: string;
  ordersPerMinute: number;
  orders: { placed: number; paid: number; paymentFailed: number; cancelled: number; refunded: number };
  revenue: MoneyFigure[];
  averageOrderValue: MoneyFigure[];
  paymentSuccessRate: number | null;
  funnel: {
    productViews: number;
    cartAdds: number;
    checkoutsStarted: number;
    paid: number;
    conversionRate: number | null;
  };
  activeUsers: number;
}
