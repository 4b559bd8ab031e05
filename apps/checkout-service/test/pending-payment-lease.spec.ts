import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from '@ha-shop/testkit';
import { DataSource } from 'typeorm';
import { LoneCheckout, startLoneCheckout } from './support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderRepository } from '../src/orders/order.repository';
import { PendingPaymentRepository } from '../src/orders/pending-payment.repository';

// The CI failure of 2026-12-06: a worker that resumed a parked order at its deadline parked it
// again, which shortened its own lease to the retry backoff while it went on to reconcile and
// cancel; a second replica claimed the row meanwhile and charged the order after its cancel.
// A claim now holds the row until its holder ends it (real PostgreSQL, the service's own code).
describe('a claim on a parked payment is a lease its holder ends', () => {
  let app: LoneCheckout;
  let pending: PendingPaymentRepository;
  const keyId = 'k'.repeat(16);

  beforeAll(async () => {
    app = await startLoneCheckout({
      PAYMENT_RETRY_WORKER_ENABLED: 'false',
      PAYMENT_RETRY_BASE_MS: '200',
      PAYMENT_RETRY_MAX_BACKOFF_MS: '400',
    });
    pending = app.svc.app.get(PendingPaymentRepository);
  });
  afterAll(() => app?.close());

  /** A parked order whose next attempt is due now. */
  const parkedOrder = async (): Promise<string> => {
    const id = randomUUID();
    const cartId = randomUUID();
    await sql(app.db, `INSERT INTO cart (id, user_id, status) VALUES ($1, $2, 'checked_out')`, [
      cartId,
      randomUUID(),
    ]);
    await app.svc.app.get(DataSource).transaction(async (m) => {
      const inserted = await app.svc.app.get(OrderRepository).insertIfAbsent(m, {
        id,
        userId: null,
        email: 'lease@example.test',
        cartId,
        currency: 'EUR',
        subtotal: 1000,
        shipping: 0,
        total: 1000,
        lines: [{ sku: 'SKU-1', name: 'one', unitPrice: 1000, quantity: 1, lineTotal: 1000 }],
        shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'DE' },
        reservationKey: `order:${id}`,
        paymentKey: `checkout:order:${id}`,
      });
      expect(inserted?.id).toBe(id);
      await pending.insert(m, id, 0);
    });
    const card = { keyId, iv: randomBytes(12), tag: randomBytes(16), ciphertext: randomBytes(20) };
    await pending.park(id, 'outage', card, false);
    await sql(app.db, `UPDATE pending_payment SET next_attempt_at = now() WHERE order_id = $1`, [id]);
    return id;
  };
  const claimOf = async (id: string) => {
    const claims = await pending.claimDue(keyId, 30, 60);
    const mine = claims.find((c) => c.orderId === id);
    if (!mine) throw new Error(`order ${id} was not claimed`);
    return mine;
  };

  it('parking under a claim keeps the lease, so no other worker claims the order meanwhile', async () => {
    const id = await parkedOrder();
    const claim = await claimOf(id);
    await pending.park(id, 'still out', undefined, true);
    expect((await pending.claimDue(keyId, 30, 60)).map((c) => c.orderId)).not.toContain(id);

    // The holder ends its claim: the next attempt is due after the backoff (≤ 400 ms here).
    await pending.reschedule(id, claim.attempts);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await claimOf(id)).attempts).toBe(claim.attempts + 1);
  });

  it('a claim that ran out cannot end the claim that replaced it', async () => {
    const id = await parkedOrder();
    const stale = await claimOf(id);
    await sql(app.db, `UPDATE pending_payment SET next_attempt_at = now() WHERE order_id = $1`, [id]);
    const current = await claimOf(id);
    await pending.reschedule(id, stale.attempts);
    const [row] = await sql<{ leased: boolean }>(
      app.db,
      `SELECT next_attempt_at > now() + interval '20 seconds' AS leased FROM pending_payment WHERE order_id = $1`,
      [id],
    );
    expect(row.leased).toBe(true);
    expect(current.attempts).toBe(stale.attempts + 1);
  });
});
