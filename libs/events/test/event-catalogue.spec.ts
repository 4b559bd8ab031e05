import { describe, expect, it } from 'vitest';
import { sampleOrderEvent, sampleViewEvent } from '@ha-shop/testkit';
import { EVENTS, payloadMismatches, readEvent } from '../src';

describe('event catalogue', () => {
  const paid = sampleOrderEvent(EVENTS.orderPaid, 2500);

  it('checks nested lines of an order.placed', () => {
    const placed = sampleOrderEvent(EVENTS.orderPlaced, 900);
    expect(payloadMismatches(placed.type, placed.payload)).toEqual([]);
    const badLine = {
      ...placed.payload,
      lines: [{ sku: 'SKU-1', quantity: 0, unitPrice: 900, lineTotal: 900 }],
    };
    expect(payloadMismatches(placed.type, badLine)).toEqual([expect.stringMatching(/^lines\.0\.quantity /)]);
  });

  it('keeps null where the catalogue allows it and refuses a missing one', () => {
    const guest = sampleViewEvent('tee', null);
    expect(payloadMismatches(guest.type, guest.payload)).toEqual([]);
    const { userId: _dropped, ...withoutUser } = guest.payload as { userId: unknown };
    const mismatches = payloadMismatches(guest.type, withoutUser);
    expect(mismatches.length).toBeGreaterThan(0);
    expect(mismatches.every((m) => m.startsWith('userId '))).toBe(true);
  });

  it('reads a feed event only when the catalogue describes it', () => {
    expect(readEvent({ type: EVENTS.orderPaid, payload: { total: 1 } })).toBeUndefined();
    expect(readEvent({ type: 'order.shipped', payload: paid.payload })).toBeUndefined();
  });
});
