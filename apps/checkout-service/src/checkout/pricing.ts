import { MAX_CHARGE_MINOR } from '@ha-shop/service-kit';
import { PriceList, UnitPrice } from '../clients/client-types';
import { OrderLine } from '../orders/order.row';
import { reject } from './saga-runner';

export interface PricedCart {
  lines: OrderLine[];
  currency: string;
  subtotal: number;
  total: number;
}

/**
 * Prices a cart's lines with product-service's authoritative prices (not the cart's snapshots):
 * those the reservation answered with, so the order costs what was reserved.
 * Pure: every refusal is a SagaAbort carrying the 4xx problem the client gets.
 */
export function priceCart(
  items: ReadonlyArray<{ sku: string; quantity: number }>,
  prices: PriceList<UnitPrice>,
): PricedCart {
  if (prices.missing.length > 0) {
    throw reject(422, 'unknown-sku', 'Some items no longer exist; remove them from the cart.', {
      skus: prices.missing,
    });
  }
  const inactive = items.filter((i) => !prices.bySku.get(i.sku)!.active).map((i) => i.sku);
  if (inactive.length > 0) {
    throw reject(422, 'sku-unavailable', 'Some items are no longer on sale; remove them from the cart.', {
      skus: inactive,
    });
  }
  const lines: OrderLine[] = items.map((i) => {
    const p = prices.bySku.get(i.sku)!;
    return {
      sku: i.sku,
      name: p.name,
      unitPrice: p.unitPrice,
      quantity: i.quantity,
      lineTotal: p.unitPrice * i.quantity,
    };
  });
  const currencies = new Set(items.map((i) => prices.bySku.get(i.sku)!.currency));
  if (currencies.size > 1) throw reject(422, 'currency-mismatch', 'The cart mixes currencies.');
  const subtotal = lines.reduce((n, l) => n + l.lineTotal, 0);
  const total = subtotal;
  if (total < 1) throw reject(422, 'nothing-to-pay', 'The order total is zero.');
  if (total > MAX_CHARGE_MINOR)
    throw reject(422, 'order-too-large', `The order total exceeds ${MAX_CHARGE_MINOR} minor units.`);
  return { lines, currency: [...currencies][0], subtotal, total };
}
