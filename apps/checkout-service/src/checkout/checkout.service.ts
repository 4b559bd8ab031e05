import { Injectable, Logger } from '@nestjs/common';
import { Principal } from '@ha-shop/auth';
import { fingerprint } from '@ha-shop/database';
import { EVENTS, type NewEvent, OutboxService } from '@ha-shop/events';
import { businessMetrics } from '@ha-shop/observability';
import { ProblemException, RequestContext } from '@ha-shop/service-kit';
import { DataSource } from 'typeorm';
import { canAccessCart, cartNotFound } from '../carts/cart-access';
import { CartItemRow, CartRepository, CartRow } from '../carts/cart.repository';
import { CheckoutEnv } from '../config/checkout.env';
import { OrderRepository } from '../orders/order.repository';
import { CheckoutSaga } from './checkout.saga';
import { CheckoutContext, outcomeOf, SagaOutcome } from './saga-runner';
import { CheckoutResponse, isOutage, toProblem, toResponse } from './checkout-outcome';
import { CheckoutDto } from './dto/checkout.dto';
import { IdempotencyService } from './idempotency.service';

/** POST /checkout: idempotency around the saga, and the mapping of its outcome to HTTP. */
@Injectable()
export class CheckoutService {
  private readonly logger = new Logger(CheckoutService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly carts: CartRepository,
    private readonly orders: OrderRepository,
    private readonly saga: CheckoutSaga,
    private readonly idempotency: IdempotencyService,
    private readonly outbox: OutboxService,
    private readonly env: CheckoutEnv,
  ) {}

  async checkout(
    key: string,
    dto: CheckoutDto,
    principal: Principal | undefined,
    headerToken?: string,
  ): Promise<CheckoutResponse> {
    const cartToken = dto.cartToken ?? headerToken;
    // Guests have no identity but their cart: scoped by it, one guest's keys never collide with another's.
    const scope = principal ? `user:${principal.userId}` : `guest:${dto.cartId}`;
    const claim = await this.idempotency.claim(scope, key, requestFingerprint(dto, cartToken));
    if (claim.kind === 'replay') {
      return {
        status: claim.status as 201 | 202,
        body: claim.body as CheckoutResponse['body'],
        replayed: true,
      };
    }
    let outcome: SagaOutcome;
    const attempt: { ctx?: CheckoutContext } = {};
    try {
      // Checkout's own budget, or the caller's (x-request-deadline, e.g. from the edge) when it is earlier.
      outcome = await RequestContext.within(this.env.CHECKOUT_DEADLINE_MS, async () => {
        const resumed = claim.takeover ? await this.resumeTakenOver(claim.orderId, dto) : undefined;
        return resumed ?? (await this.startSaga(claim, dto, principal, cartToken, attempt));
      });
    } catch (err) {
      const problem = toProblem(err, this.logger);
      const reservationLeft = attempt.ctx?.uncompensated?.includes('reserve') ?? false;
      await this.letGo(scope, key, claim.orderId, claim.lockToken, isOutage(problem) && reservationLeft);
      throw problem;
    }
    const response = toResponse(outcome);
    if (!(await this.idempotency.complete(scope, key, claim.lockToken, response.status, response.body))) {
      // Our lease ran out and a retry took the key over; it answers for the same order.
      this.logger.warn(
        `idempotency key of order ${claim.orderId} was taken over; its new holder records the response`,
      );
    }
    return { ...response, replayed: false };
  }

  private async startSaga(
    claim: { orderId: string; takeover: boolean },
    dto: CheckoutDto,
    principal: Principal | undefined,
    cartToken: string | undefined,
    attempt: { ctx?: CheckoutContext },
  ): Promise<SagaOutcome> {
    const email = dto.email ?? principal?.email ?? null;
    // A takeover resumes a checkout that was announced already.
    const cart = await this.loadCart(dto.cartId, principal, cartToken, claim.orderId, {
      email,
      announce: !claim.takeover,
    });
    if (!claim.takeover) businessMetrics().checkoutsStarted.inc();
    // Kept by the caller: after a failure it tells whether a reservation was left behind.
    attempt.ctx = {
      orderId: claim.orderId,
      buyer: { userId: principal?.userId ?? null, email },
      card: { ...dto.payment.card },
      cart,
      shippingAddress: { ...dto.shippingAddress },
    };
    return this.saga.start(attempt.ctx);
  }

  /**
   * A retry that took over a key whose first request died after creating the order: finish
   * that order (charging with its own payment key, so a charge already made is not repeated)
   * instead of starting again from the cart.
   */
  private async resumeTakenOver(orderId: string, dto: CheckoutDto): Promise<SagaOutcome | undefined> {
    const order = await this.orders.find(orderId);
    if (!order) return undefined;
    if (order.status !== 'PENDING_PAYMENT') return outcomeOf(order);
    return this.saga.resume({
      orderId,
      buyer: { userId: order.userId, email: order.email },
      card: { ...dto.payment.card },
      order,
    });
  }

  /**
   * The cart and its lines as one consistent read: FOR SHARE holds off line changes until the
   * lines are read, so the version checked when the order is created matches what was priced.
   * On a takeover the cart may already be checked out by this very order. checkout.started goes
   * into the outbox in the same transaction (one round trip less than a transaction of its own).
   */
  private async loadCart(
    cartId: string,
    principal: Principal | undefined,
    cartToken: string | undefined,
    orderId: string,
    opts: { email: string | null; announce: boolean },
  ): Promise<{ row: CartRow; items: CartItemRow[] }> {
    return this.ds.transaction(async (m) => {
      const row = await this.carts.lockShared(m, cartId);
      if (!row || !canAccessCart(row, { principal, cartToken })) throw cartNotFound();
      if (row.status !== 'active') {
        if (!(await this.orders.existsForCart(m, orderId, cartId)))
          throw new ProblemException(409, 'cart-not-active', 'The cart is already checked out.');
      }
      const cart = { row, items: await this.carts.items(cartId, m) };
      if (!principal && !opts.email) {
        throw new ProblemException(
          422,
          'email-required',
          'Guests need to give an email address for the order.',
        );
      }
      if (opts.announce) await this.outbox.append(m, this.announcement(orderId, cart, principal));
      return cart;
    });
  }

  /** checkout.started: the funnel step between "added to cart" and "order placed". */
  private announcement(
    orderId: string,
    cart: { row: CartRow; items: CartItemRow[] },
    principal?: Principal,
  ): NewEvent {
    return {
      type: EVENTS.checkoutStarted,
      aggregateId: cart.row.id,
      payload: {
        cartId: cart.row.id,
        orderId,
        userId: principal?.userId ?? null,
        guest: !principal,
        itemCount: cart.items.reduce((n, i) => n + i.quantity, 0),
        subtotal: cart.items.reduce((n, i) => n + i.quantity * i.unitPrice, 0),
        currency: cart.items[0]?.currency ?? null,
      },
    };
  }

  /**
   * A failure before any order exists releases the key, so the client may fix the cart and retry
   * with it. One exception: an outage that also left a reservation behind (its release failed, or
   * a timed-out reserve may have succeeded unseen) keeps the key and its order id, so the retry of
   * the same request reserves under the same reservation key and gets those units back, instead of
   * holding a second set while the first waits for its TTL.
   */
  private async letGo(
    scope: string,
    key: string,
    orderId: string,
    lockToken: string,
    keepForRetry: boolean,
  ): Promise<void> {
    try {
      if (await this.orders.exists(orderId)) return;
      // With an order, the key stays in progress: after its lease a retry takes over and resumes that order.
      if (keepForRetry) await this.idempotency.suspend(scope, key, lockToken);
      else await this.idempotency.abandon(scope, key, lockToken);
    } catch (err) {
      this.logger.warn({ err }, 'could not release an idempotency key; it frees itself when its lease ends');
    }
  }
}

/** Everything that decides the checkout, with the card reduced to what identifies it without the number. */
export function requestFingerprint(dto: CheckoutDto, cartToken: string | undefined): string {
  const { number, ...card } = dto.payment.card;
  return fingerprint({
    cartId: dto.cartId,
    cartToken: cartToken ? fingerprint(cartToken) : null,
    shippingAddress: dto.shippingAddress,
    email: dto.email ?? null,
    card: { last4: number.slice(-4), expMonth: card.expMonth, expYear: card.expYear },
  });
}
