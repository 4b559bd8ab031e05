import { Injectable, Logger } from '@nestjs/common';
import { Principal } from '@ha-shop/auth';
import { fingerprint } from '@ha-shop/database';
import { EVENTS, type NewEvent, OutboxService } from '@ha-shop/events';
import { businessMetrics } from '@ha-shop/observability';
import { DependencyUnavailableError, isDependencyUnavailable } from '@ha-shop/resilience';
import { mapError, ProblemException, RequestContext, ServiceUnavailableProblem } from '@ha-shop/service-kit';
import { DataSource } from 'typeorm';
import { canAccessCart, cartNotFound } from '../carts/cart-access';
import { CartItemRow, CartRepository, CartRow } from '../carts/cart.repository';
import { UnexpectedDependencyResponse } from '../clients/unexpected-response';
import { CheckoutEnv } from '../config/checkout.env';
import { OrderRepository } from '../orders/order.repository';
import { OrderView, toOrderView } from '../orders/order.view';
import { CheckoutSaga } from './checkout.saga';
import { CheckoutContext, outcomeOf, SagaAbort, SagaOutcome } from './saga-runner';
import { CheckoutDto } from './dto/checkout.dto';
import { IdempotencyService } from './idempotency.service';

export interface CheckoutResponse {
  status: 201 | 202;
  body: { order: OrderView; status?: 'PENDING_PAYMENT'; message?: string };
  replayed: boolean;
}

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

function toResponse(outcome: SagaOutcome): Omit<CheckoutResponse, 'replayed'> {
  const order = toOrderView(outcome.order);
  if (outcome.kind === 'parked') {
    return { status: 202, body: { order, status: 'PENDING_PAYMENT', message: 'payment processing' } };
  }
  return { status: 201, body: { order } };
}

/**
 * Dependency outages become 503 + Retry-After (also when the deadline ran out); saga refusals
 * their problem. Whatever else failed inside the checkout (an answer from a dependency that cannot
 * be used, something unforeseen) is a 503 too: the client retries with the same Idempotency-Key,
 * which is safe, while a 500 says "do not bother". Client errors keep their 4xx.
 */
function toProblem(err: unknown, logger: Logger): unknown {
  if (err instanceof SagaAbort && err.problem) return err.problem;
  if (isDependencyUnavailable(err)) return unavailable(err);
  if (err instanceof UnexpectedDependencyResponse) {
    logger.error({ err }, 'checkout failed on an unusable answer from a dependency');
    const service = err.service.replace(/-service$/, '');
    return new ServiceUnavailableProblem(
      `Checkout is unavailable right now (${service} answered unexpectedly); retry shortly.`,
      2,
      { dependency: service, reason: 'unexpected-response' },
    );
  }
  if (mapError(err).problem.status !== 500) return err;
  logger.error({ err }, 'checkout failed unexpectedly');
  return new ServiceUnavailableProblem('Checkout could not be completed right now; retry shortly.', 2);
}

/** A 5xx answer: the client is told to retry the same request, not to change it. */
function isOutage(problem: unknown): boolean {
  return mapError(problem).problem.status >= 500;
}

function unavailable(err: DependencyUnavailableError): ProblemException {
  const seconds = Math.max(1, Math.ceil((err.retryAfterMs ?? 2000) / 1000));
  const service = err.dependency.split(/→|->/).pop() ?? err.dependency;
  return new ServiceUnavailableProblem(
    `Checkout is unavailable right now (${service} ${err.reason}); retry shortly.`,
    seconds,
    {
      dependency: service,
      reason: err.reason,
    },
  );
}
