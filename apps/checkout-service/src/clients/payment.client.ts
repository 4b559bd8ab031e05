import { Injectable, Logger } from '@nestjs/common';
import { isDependencyUnavailable, PolicyRegistry, ServiceClient } from '@ha-shop/resilience';
import { CheckoutEnv } from '../config/checkout.env';
import { ChargeOutcome, ChargeRequest, PaymentRecord, RefundOutcome } from './client-types';
import { internalServiceClient } from './internal-client';
import { unexpectedResponse } from './unexpected-response';

export const PAYMENT_DEPENDENCY = 'checkout→payment';

interface PaymentBody {
  id?: string;
  status?: string;
  declineCode?: string;
  type?: string;
  detail?: string;
}

/**
 * payment-service, through the shared `checkout→payment` policy. Every charge carries an
 * Idempotency-Key derived from the order, so retries (here, by the policy, or later by the
 * worker) can never charge twice.
 *
 * The deadline and the customer a call is made for come from the RequestContext (ServiceClient
 * reads it); a refund is clean-up that callers run in `RequestContext.outlivingCaller`.
 */
@Injectable()
export class PaymentClient {
  private readonly logger = new Logger(PaymentClient.name);
  private readonly http: ServiceClient;

  constructor(env: CheckoutEnv, registry: PolicyRegistry) {
    this.http = internalServiceClient(PAYMENT_DEPENDENCY, env.PAYMENT_SERVICE_URL, env, registry);
  }

  async charge(req: ChargeRequest): Promise<ChargeOutcome> {
    let res;
    try {
      res = await this.http.request<PaymentBody>({
        method: 'POST',
        path: '/payments',
        headers: { 'idempotency-key': req.idempotencyKey },
        body: {
          orderId: req.orderId,
          amount: req.amount,
          currency: req.currency,
          card: req.card,
          ...(req.customerId ? { customerId: req.customerId } : {}),
        },
        idempotent: true,
      });
    } catch (err) {
      if (isDependencyUnavailable(err))
        return { outcome: 'unavailable', reason: err.reason, retryAfterMs: err.retryAfterMs };
      throw err;
    }
    const body = res.body ?? {};
    if ((res.status === 200 || res.status === 201) && body.id) {
      if (body.status === 'authorised') return { outcome: 'authorised', paymentId: body.id };
      if (body.status === 'declined')
        return { outcome: 'declined', paymentId: body.id, declineCode: body.declineCode ?? 'declined' };
    }
    // The same key is still being processed by another attempt (a replica's worker, a replay).
    if (res.status === 409 || res.status === 429)
      return { outcome: 'unavailable', reason: 'in-progress', retryAfterMs: 1000 };
    if (res.status === 401 || res.status === 403) {
      // Misconfiguration (internal token) an operator can fix while the order waits parked.
      this.logger.error({ status: res.status }, 'payment-service refused our credentials');
      return { outcome: 'unavailable', reason: 'forbidden' };
    }
    // A Luhn failure is a property of the card, and payment-service records nothing for it: a real decline.
    if (res.status === 422 && body.type?.endsWith('/invalid-card-number'))
      return { outcome: 'declined', declineCode: 'invalid_card_number' };
    if (res.status >= 400 && res.status < 500) {
      // Any other refusal (key reused, validation) says nothing about whether a charge under this key
      // exists: failing the order here could release the stock of a paid order. Park it for reconciliation.
      this.logger.error(
        { status: res.status, type: body.type, orderId: req.orderId },
        'payment-service refused the charge request; the order stays parked for reconciliation',
      );
      return { outcome: 'unknown', reason: `refused ${res.status} ${body.type ?? ''}`.trim() };
    }
    throw unexpectedResponse('payment-service', 'POST /payments', res);
  }

  /**
   * The charges payment-service holds for an order, whatever key made them. Throws
   * DependencyUnavailableError when it cannot tell (the caller must then not assume "none").
   */
  async paymentsOf(orderId: string): Promise<PaymentRecord[]> {
    const res = await this.http.request<{ items?: PaymentRecord[] }>({
      method: 'GET',
      path: `/payments?orderId=${encodeURIComponent(orderId)}`,
      idempotent: true,
    });
    if (res.status !== 200 || !Array.isArray(res.body?.items))
      throw unexpectedResponse('payment-service', 'GET /payments?orderId=', res);
    return res.body.items;
  }

  async refund(paymentId: string, idempotencyKey: string): Promise<RefundOutcome> {
    const res = await this.http.request<PaymentBody>({
      method: 'POST',
      path: `/payments/${encodeURIComponent(paymentId)}/refund`,
      headers: { 'idempotency-key': idempotencyKey },
      body: {},
      idempotent: true,
    });
    if ((res.status === 200 || res.status === 201) && res.body?.id)
      return { outcome: 'refunded', refundId: res.body.id };
    if (res.status === 404 || res.status === 409 || res.status === 422) {
      return { outcome: 'refused', status: res.status, detail: res.body?.detail ?? 'refund refused' };
    }
    throw unexpectedResponse('payment-service', 'POST /payments/{id}/refund', res);
  }
}
