import { ProblemException } from '@ha-shop/service-kit';
import { describe, expect, it } from 'vitest';
import { PricedSku, PriceList } from '../src/clients/client-types';
import { priceCart } from '../src/checkout/pricing';
import { SagaAbort } from '../src/checkout/saga-runner';

function sku(code: string, unitPrice: number, over: Partial<PricedSku> = {}): PricedSku {
  return {
    sku: code,
    name: `Product ${code}`,
    unitPrice,
    currency: 'EUR',
    active: true,
    availableUnits: 5,
    ...over,
  };
}

function list(skus: PricedSku[], missing: string[] = []): PriceList {
  return { bySku: new Map(skus.map((s) => [s.sku, s])), missing };
}

/** One unit of each product. */
const oneOfEach = (...skus: PricedSku[]) =>
  priceCart(
    skus.map((s) => ({ sku: s.sku, quantity: 1 })),
    list(skus),
  );

/** The refusal priceCart threw: a SagaAbort 'rejected' carrying the client's problem. */
function refusal(run: () => unknown): { status: number; slug: string; extensions: Record<string, unknown> } {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(SagaAbort);
    const abort = err as SagaAbort;
    expect(abort.reason).toBe('rejected');
    expect(abort.problem).toBeInstanceOf(ProblemException);
    return {
      status: abort.problem!.getStatus(),
      slug: abort.problem!.slug,
      extensions: abort.problem!.extensions,
    };
  }
  throw new Error('priceCart accepted the cart');
}

describe('priceCart (pure, no database)', () => {
  it('prices each line with the authoritative price, not the cart snapshot, and sums the total', () => {
    const priced = priceCart(
      [
        { sku: 'A-1', quantity: 3 },
        { sku: 'B-2', quantity: 1 },
      ],
      list([sku('A-1', 250), sku('B-2', 1999)]),
    );
    expect(priced).toEqual({
      lines: [
        { sku: 'A-1', name: 'Product A-1', unitPrice: 250, quantity: 3, lineTotal: 750 },
        { sku: 'B-2', name: 'Product B-2', unitPrice: 1999, quantity: 1, lineTotal: 1999 },
      ],
      currency: 'EUR',
      subtotal: 2749,
      total: 2749,
    });
  });

  it('refuses SKUs product-service does not know, naming them', () => {
    const r = refusal(() => priceCart([{ sku: 'GONE', quantity: 1 }], list([], ['GONE'])));
    expect(r).toEqual({ status: 422, slug: 'unknown-sku', extensions: { skus: ['GONE'] } });
  });

  it('refuses SKUs no longer on sale, naming only those', () => {
    const r = refusal(() => oneOfEach(sku('A-1', 100), sku('OFF', 100, { active: false })));
    expect(r).toEqual({ status: 422, slug: 'sku-unavailable', extensions: { skus: ['OFF'] } });
  });

  it('refuses a cart that mixes currencies', () => {
    const r = refusal(() => oneOfEach(sku('A-1', 100), sku('USD-1', 100, { currency: 'USD' })));
    expect(r).toMatchObject({ status: 422, slug: 'currency-mismatch' });
  });

  it('refuses a total of zero', () => {
    const r = refusal(() => priceCart([{ sku: 'FREE', quantity: 2 }], list([sku('FREE', 0)])));
    expect(r).toMatchObject({ status: 422, slug: 'nothing-to-pay' });
  });

  it("accepts up to payment-service's largest amount and refuses one minor unit more", () => {
    expect(priceCart([{ sku: 'BIG', quantity: 2 }], list([sku('BIG', 50_000_000)])).total).toBe(100_000_000);
    const r = refusal(() =>
      priceCart(
        [
          { sku: 'BIG', quantity: 2 },
          { sku: 'ONE', quantity: 1 },
        ],
        list([sku('BIG', 50_000_000), sku('ONE', 1)]),
      ),
    );
    expect(r).toMatchObject({ status: 422, slug: 'order-too-large' });
  });
});
