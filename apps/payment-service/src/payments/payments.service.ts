import { Injectable, Logger } from '@nestjs/common';
import { EVENTS, OutboxService } from '@ha-shop/events';
import { businessMetrics } from '@ha-shop/observability';
import { ProblemException } from '@ha-shop/service-kit';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { requestFingerprint } from '../idempotency/fingerprint';
import { IdempotencyService, IdempotentResult, KeyLock } from '../idempotency/idempotency.service';
import { ProviderFaults } from '../simulation/provider-faults.service';
import { decideOutcome, isProcessingErrorCard, summariseCard } from './card';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { RefundPaymentDto } from './dto/refund-payment.dto';
import { PaymentEntity } from './payment.entity';
import { PaymentView, toPaymentView, toRefundView } from './payment-view';
import { RefundEntity } from './refund.entity';

const MAX_PAYMENTS_PER_ORDER = 100;

const notFound = (id: string) =>
  new ProblemException(404, 'payment-not-found', 'No payment has this id.', { paymentId: id });

@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly idempotency: IdempotencyService,
    private readonly faults: ProviderFaults,
  ) {}

  /** Authorises or declines a charge, once per Idempotency-Key. A decline is a 201 like an authorisation. */
  async charge(key: string, dto: CreatePaymentDto): Promise<IdempotentResult> {
    const card = summariseCard(dto.card);
    // PostgreSQL prints uuids in lower case; normalise so responses, reads and fingerprints agree.
    const orderId = dto.orderId.toLowerCase();
    const customerId = dto.customerId?.toLowerCase() ?? null;
    const fingerprint = requestFingerprint('POST', '/payments', {
      orderId,
      amount: dto.amount,
      currency: dto.currency,
      customerId,
      card,
    });
    return this.idempotency.execute(key, fingerprint, async (lock) => {
      await this.faults.delay();
      if (isProcessingErrorCard(dto.card)) {
        throw new ProblemException(
          502,
          'payment-processing-error',
          'The payment provider could not process the card; retry shortly.',
          { retryable: true },
          { 'retry-after': '1' },
        );
      }
      const outcome = decideOutcome(dto.card, new Date(), this.faults.settings.declineRate, Math.random);
      const payment = Object.assign(new PaymentEntity(), {
        id: randomUUID(),
        orderId,
        customerId,
        status: outcome.status,
        declineCode: outcome.status === 'declined' ? outcome.declineCode : null,
        amount: dto.amount,
        currency: dto.currency,
        refundedAmount: 0,
        cardBrand: card.brand,
        cardLast4: card.last4,
      });
      const response = await this.dataSource.transaction(async (manager) => {
        await manager.getRepository(PaymentEntity).insert(payment);
        const response = { status: 201, body: JSON.stringify(toPaymentView(payment)) };
        await lock.complete(manager, response);
        await this.outbox.append(manager, {
          type: payment.status === 'authorised' ? EVENTS.paymentAuthorised : EVENTS.paymentDeclined,
          aggregateId: payment.id,
          payload: {
            paymentId: payment.id,
            orderId: payment.orderId,
            customerId: payment.customerId,
            amount: payment.amount,
            currency: payment.currency,
            ...(payment.declineCode ? { declineCode: payment.declineCode } : {}),
          },
        });
        return response;
      });
      businessMetrics().payments.inc({ outcome: payment.status === 'authorised' ? 'succeeded' : 'declined' });
      this.logger.log(
        {
          paymentId: payment.id,
          orderId: payment.orderId,
          status: payment.status,
          declineCode: payment.declineCode,
        },
        'payment processed',
      );
      return response;
    });
  }

  /** Refunds all (no amount) or part of what is left of an authorised payment, once per Idempotency-Key. */
  async refund(key: string, id: string, dto: RefundPaymentDto): Promise<IdempotentResult> {
    const paymentId = id.toLowerCase();
    const fingerprint = requestFingerprint('POST', `/payments/${paymentId}/refund`, {
      amount: dto.amount ?? null,
    });
    return this.idempotency.execute(key, fingerprint, async (lock) => {
      await this.faults.delay();
      const response = await this.dataSource.transaction((manager) =>
        this.applyRefund(manager, lock, paymentId, dto.amount),
      );
      this.logger.log({ paymentId }, 'payment refunded');
      return response;
    });
  }

  private async applyRefund(
    manager: EntityManager,
    lock: KeyLock,
    paymentId: string,
    amount: number | undefined,
  ) {
    // One statement decides and applies the refund, so concurrent refunds can never exceed the amount.
    const [rows] = (await manager.query(
      `WITH target AS (
         SELECT id, COALESCE($2::int, amount - refunded_amount) AS refund_amount
         FROM payment WHERE id = $1 FOR UPDATE
       )
       UPDATE payment p SET refunded_amount = p.refunded_amount + t.refund_amount
       FROM target t
       WHERE p.id = t.id AND p.status = 'authorised' AND t.refund_amount > 0
         AND p.refunded_amount + t.refund_amount <= p.amount
       RETURNING p.order_id, p.currency, p.refunded_amount, t.refund_amount`,
      [paymentId, amount ?? null],
    )) as [
      Array<{ order_id: string; currency: string; refunded_amount: number; refund_amount: number }>,
      number,
    ];
    if (rows.length === 0) throw await this.refundRefusal(manager, paymentId, amount);
    const updated = rows[0];
    const refund = Object.assign(new RefundEntity(), {
      id: randomUUID(),
      paymentId,
      amount: updated.refund_amount,
      currency: updated.currency,
    });
    await manager.getRepository(RefundEntity).insert(refund);
    const payment = { orderId: updated.order_id, refundedAmount: updated.refunded_amount };
    const response = { status: 201, body: JSON.stringify(toRefundView(refund, payment)) };
    await lock.complete(manager, response);
    await this.outbox.append(manager, {
      type: EVENTS.paymentRefunded,
      aggregateId: paymentId,
      payload: {
        paymentId,
        refundId: refund.id,
        orderId: payment.orderId,
        amount: refund.amount,
        currency: refund.currency,
        refundedAmount: payment.refundedAmount,
      },
    });
    return response;
  }

  /** Why a refund was refused, for the client: the row is locked by the failed statement's FOR UPDATE. */
  private async refundRefusal(manager: EntityManager, paymentId: string, amount: number | undefined) {
    const payment = await manager.getRepository(PaymentEntity).findOneBy({ id: paymentId });
    if (!payment) return notFound(paymentId);
    if (payment.status !== 'authorised') {
      return new ProblemException(
        409,
        'payment-not-refundable',
        'Only authorised payments can be refunded.',
        {
          paymentId,
          paymentStatus: payment.status,
        },
      );
    }
    const remaining = payment.amount - payment.refundedAmount;
    return new ProblemException(
      422,
      'refund-exceeds-remaining',
      remaining === 0
        ? 'The payment is already fully refunded.'
        : `The refund (${amount}) exceeds what is left to refund (${remaining}).`,
      { paymentId, remaining },
    );
  }

  async get(id: string): Promise<PaymentView> {
    const payment = await this.dataSource.getRepository(PaymentEntity).findOneBy({ id });
    if (!payment) throw notFound(id);
    return toPaymentView(payment);
  }

  async listByOrder(orderId: string): Promise<PaymentView[]> {
    const payments = await this.dataSource.getRepository(PaymentEntity).find({
      where: { orderId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: MAX_PAYMENTS_PER_ORDER,
    });
    return payments.map(toPaymentView);
  }
}
