import { PricedSku } from '../clients/client-types';
import { CartItemRow, ItemSnapshot } from './cart.repository';

// Pure helpers for a cart's lines: fresh prices applied to stored snapshots, and where a written
// line goes in the stored order.

export function snapshotOf(p: PricedSku): ItemSnapshot {
  return { sku: p.sku, name: p.name, unitPrice: p.unitPrice, currency: p.currency, available: p.active };
}

export function applyPrices(
  items: CartItemRow[],
  bySku: Map<string, PricedSku>,
  missing: string[],
): CartItemRow[] {
  return items.map((i) => {
    const p = bySku.get(i.sku);
    if (p) return { ...i, ...snapshotOf(p) };
    return missing.includes(i.sku) ? { ...i, available: false } : i;
  });
}

export function snapshotOfLine(l: CartItemRow): ItemSnapshot {
  return { sku: l.sku, name: l.name, unitPrice: l.unitPrice, currency: l.currency, available: l.available };
}

export function sameSnapshot(a: CartItemRow, b: CartItemRow): boolean {
  return (
    a.name === b.name &&
    a.unitPrice === b.unitPrice &&
    a.currency === b.currency &&
    a.available === b.available
  );
}

/** The lines in stored order (added_at, sku) with `line` written: in its place, or last when new. */
export function withLine(others: CartItemRow[], line: CartItemRow): CartItemRow[] {
  const lines = [...others];
  const t = line.addedAt.getTime();
  const at = lines.findIndex(
    (l) => l.addedAt.getTime() > t || (l.addedAt.getTime() === t && l.sku > line.sku),
  );
  if (at < 0) lines.push(line);
  else lines.splice(at, 0, line);
  return lines;
}
