import { describe, expect, it } from 'vitest';
import {
  checkTransition,
  isTerminal,
  nextStatuses,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  OrderStatus,
  TransitionContext,
} from '../src/orders/order.state-machine';

const system: TransitionContext = {
  actor: 'system',
  paymentId: 'p1',
  reason: 'payment-deadline',
  declineCode: 'card_declined',
};
const admin: TransitionContext = { actor: 'admin', refundId: 'r1', reason: 'admin' };

describe('order state machine', () => {
  it('allows exactly the transitions of the design', () => {
    const allowed = ORDER_TRANSITIONS.map((t) => `${t.from}→${t.to}`).sort();
    expect(allowed).toEqual(
      [
        'PENDING_PAYMENT→PAID',
        'PENDING_PAYMENT→PAYMENT_FAILED',
        'PENDING_PAYMENT→CANCELLED',
        'PAYMENT_FAILED→CANCELLED',
        'PAID→FULFILLED',
        'PAID→REFUNDED',
      ].sort(),
    );
  });

  it('refuses every pair not in the table, whoever asks', () => {
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        if (ORDER_TRANSITIONS.some((t) => t.from === from && t.to === to)) continue;
        for (const ctx of [system, admin]) {
          const check = checkTransition(from, to, ctx);
          expect(check.ok, `${from}→${to} by ${ctx.actor}`).toBe(false);
        }
      }
    }
  });

  it('applies the guards', () => {
    // Only the saga pays, fails or (while a charge may be in flight) cancels a pending order.
    expect(checkTransition('PENDING_PAYMENT', 'PAID', system).ok).toBe(true);
    expect(checkTransition('PENDING_PAYMENT', 'PAID', { actor: 'system' }).ok).toBe(false);
    expect(checkTransition('PENDING_PAYMENT', 'PAID', { actor: 'admin', paymentId: 'p' }).ok).toBe(false);
    expect(checkTransition('PENDING_PAYMENT', 'CANCELLED', admin).ok).toBe(false);
    expect(checkTransition('PENDING_PAYMENT', 'CANCELLED', { actor: 'system' }).ok).toBe(false);
    expect(checkTransition('PENDING_PAYMENT', 'PAYMENT_FAILED', admin).ok).toBe(false);
    // Fulfilment and refunds are admin decisions; a refund needs the refund done.
    expect(checkTransition('PAID', 'FULFILLED', admin).ok).toBe(true);
    expect(checkTransition('PAID', 'FULFILLED', system).ok).toBe(false);
    expect(checkTransition('PAID', 'REFUNDED', admin).ok).toBe(true);
    expect(checkTransition('PAID', 'REFUNDED', { actor: 'admin' }).ok).toBe(false);
    expect(checkTransition('PAYMENT_FAILED', 'CANCELLED', admin).ok).toBe(true);
    expect(checkTransition('PAYMENT_FAILED', 'CANCELLED', { actor: 'admin' }).ok).toBe(false);
  });

  it('explains refusals and knows the terminal states', () => {
    const check = checkTransition('FULFILLED', 'REFUNDED', admin);
    expect(check).toEqual({ ok: false, reason: 'an order cannot go from FULFILLED to REFUNDED' });
    expect(nextStatuses('PENDING_PAYMENT').sort()).toEqual(['CANCELLED', 'PAID', 'PAYMENT_FAILED']);
    const terminal = ORDER_STATUSES.filter((s: OrderStatus) => isTerminal(s)).sort();
    expect(terminal).toEqual(['CANCELLED', 'FULFILLED', 'REFUNDED']);
  });
});
