import { Injectable } from '@nestjs/common';
import { Principal } from '@ha-shop/auth';
import { dependencyErrorToProblem, isDependencyUnavailable } from '@ha-shop/resilience';
import { ProblemException, RequestContext } from '@ha-shop/service-kit';
import { cartTokenMatches } from '../carts/cart-access';
import { CartRepository } from '../carts/cart.repository';
import { PaymentClient } from '../clients/payment.client';
import { OrderTransitions } from './order-transitions.service';
import { refundKeyFor } from './order-keys';
import { OrderRepository } from './order.repository';
import { OrderRow } from './order.row';
import { checkTransition, IllegalTransitionError, OrderStatus } from './order.state-machine';
import { OrderPageView, OrderView, toOrderView } from './order.view';

const DEFAULT_LIMIT = 20;

export function orderNotFound(): ProblemException {
  return new ProblemException(404, 'order-not-found', 'No such order.');
}

@Injectable()
export class OrderService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly carts: CartRepository,
    private readonly transitions: OrderTransitions,
    private readonly payment: PaymentClient,
  ) {}

  async page(
    filter: { userId?: string; status?: OrderStatus },
    cursor?: string,
    limit = DEFAULT_LIMIT,
  ): Promise<OrderPageView> {
    const rows = await this.orders.page({
      ...filter,
      before: cursor ? decodeCursor(cursor) : undefined,
      limit,
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(toOrderView),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  /** The owner, an admin, or (guest orders) whoever holds the token of the cart it was placed from. Else 404. */
  async get(id: string, principal: Principal | undefined, cartToken: string | undefined): Promise<OrderView> {
    const order = await this.orders.find(id);
    if (!order) throw orderNotFound();
    if (principal?.roles.includes('admin')) return toOrderView(order);
    if (order.userId) {
      if (principal?.userId !== order.userId) throw orderNotFound();
      return toOrderView(order);
    }
    const cart = await this.carts.find(order.cartId);
    if (!cart || !cartTokenMatches(cart, cartToken)) throw orderNotFound();
    return toOrderView(order);
  }

  async fulfil(id: string): Promise<OrderView> {
    return toOrderView(await this.transitions.transition(id, 'FULFILLED', { actor: 'admin' }));
  }

  /** Admin cancel of an order whose payment failed (a PENDING_PAYMENT one belongs to the saga until its deadline). */
  async cancel(id: string): Promise<OrderView> {
    return toOrderView(
      await this.transitions.transition(id, 'CANCELLED', { actor: 'admin', reason: 'admin' }),
    );
  }

  /** Refund through payment-service first; the order becomes REFUNDED only once the money went back. */
  async refund(id: string): Promise<OrderView> {
    const order = await this.orders.find(id);
    if (!order) throw orderNotFound();
    const check = checkTransition(order.status, 'REFUNDED', { actor: 'admin', refundId: 'pending' });
    if (!check.ok) throw new IllegalTransitionError(id, order.status, 'REFUNDED', check.reason);
    // Marks the refund as under way while the order is still PAID, so no fulfil lands between the
    // refund at payment-service and REFUNDED here. A retry of a refund finds the mark and goes on.
    if (!(await this.orders.markRefundRequested(id))) {
      const now = (await this.orders.find(id)) ?? order;
      throw new IllegalTransitionError(id, now.status, 'REFUNDED', 'the order changed meanwhile');
    }
    let result: string;
    try {
      result = await this.callRefund(order);
    } catch (err) {
      // Refused for sure: nothing went back, fulfilling is possible again. Unknown (an outage):
      // the mark stays until a retry of the refund learns the outcome.
      if (err instanceof ProblemException && err.getStatus() === 409) {
        await this.orders.clearRefundRequested(id);
      }
      throw err;
    }
    return toOrderView(
      await this.transitions.transition(id, 'REFUNDED', { actor: 'admin', refundId: result }),
    );
  }

  private async callRefund(order: OrderRow): Promise<string> {
    if (!order.paymentId)
      throw new ProblemException(409, 'no-payment', 'The order has no payment to refund.');
    try {
      const paymentId = order.paymentId;
      // A refund once asked for is seen through, even if the admin's request gives up first.
      const result = await RequestContext.outlivingCaller(8000, () =>
        this.payment.refund(paymentId, refundKeyFor(order.id)),
      );
      if (result.outcome === 'refunded') return result.refundId;
      throw new ProblemException(
        409,
        'refund-refused',
        `payment-service refused the refund: ${result.detail}`,
      );
    } catch (err) {
      if (isDependencyUnavailable(err)) throw dependencyErrorToProblem(err);
      throw err;
    }
  }
}

function encodeCursor(o: OrderRow): string {
  return Buffer.from(JSON.stringify({ t: new Date(o.createdAt).toISOString(), id: o.id })).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const { t, id } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      t?: unknown;
      id?: unknown;
    };
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (isCursorTime(t) && typeof id === 'string' && uuid.test(id)) return { createdAt: t, id };
  } catch {
    // fall through to the 400
  }
  throw new ProblemException(
    400,
    'invalid-cursor',
    'The cursor is malformed; use nextCursor from a previous page.',
  );
}

/**
 * Only the form encodeCursor writes: Date.parse also takes strings PostgreSQL refuses (Feb 30, "1",
 * years before 4713 BC), which would fail the query with a 500.
 */
function isCursorTime(t: unknown): t is string {
  if (typeof t !== 'string' || !/^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(t)) return false;
  const ms = Date.parse(t);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === t;
}
