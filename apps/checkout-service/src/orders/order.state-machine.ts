import { EVENTS, ORDER_STATUSES, type OrderStatus, type OrderTransitionEvent } from '@ha-shop/events';
import { ProblemException } from '@ha-shop/service-kit';

// The statuses are part of the order events' contract, so the catalogue defines them.
export { ORDER_STATUSES, type OrderStatus };

/** Who asks for a transition: the saga and the worker are `system`, admin routes are `admin`. */
export type Actor = 'system' | 'admin';

export interface TransitionContext {
  actor: Actor;
  paymentId?: string;
  declineCode?: string;
  reason?: string;
  refundId?: string;
}

export interface Transition {
  from: OrderStatus;
  to: OrderStatus;
  /** Outbox event written in the same transaction as the status change. */
  event: OrderTransitionEvent;
  /** Returns why the transition is refused, or null when it may happen. */
  guard: (ctx: TransitionContext) => string | null;
}

const systemOnly = (ctx: TransitionContext) =>
  ctx.actor === 'system' ? null : 'only the checkout saga may do this';
const adminOnly = (ctx: TransitionContext) => (ctx.actor === 'admin' ? null : 'only an admin may do this');

/** The one table of order states. Anything not listed here is illegal. */
export const ORDER_TRANSITIONS: readonly Transition[] = [
  {
    from: 'PENDING_PAYMENT',
    to: 'PAID',
    event: EVENTS.orderPaid,
    guard: (ctx) => systemOnly(ctx) ?? (ctx.paymentId ? null : 'an authorised payment is required'),
  },
  {
    from: 'PENDING_PAYMENT',
    to: 'PAYMENT_FAILED',
    event: EVENTS.orderPaymentFailed,
    guard: systemOnly,
  },
  {
    // Only the system: while a charge may still be in flight, nobody else can know it won't succeed.
    from: 'PENDING_PAYMENT',
    to: 'CANCELLED',
    event: EVENTS.orderCancelled,
    guard: (ctx) => systemOnly(ctx) ?? (ctx.reason ? null : 'a cancel reason is required'),
  },
  {
    from: 'PAYMENT_FAILED',
    to: 'CANCELLED',
    event: EVENTS.orderCancelled,
    guard: (ctx) => (ctx.reason ? null : 'a cancel reason is required'),
  },
  { from: 'PAID', to: 'FULFILLED', event: EVENTS.orderFulfilled, guard: adminOnly },
  {
    from: 'PAID',
    to: 'REFUNDED',
    event: EVENTS.orderRefunded,
    guard: (ctx) => adminOnly(ctx) ?? (ctx.refundId ? null : 'a completed refund is required'),
  },
];

export type TransitionCheck = { ok: true; transition: Transition } | { ok: false; reason: string };

export function checkTransition(from: OrderStatus, to: OrderStatus, ctx: TransitionContext): TransitionCheck {
  const transition = ORDER_TRANSITIONS.find((t) => t.from === from && t.to === to);
  if (!transition) return { ok: false, reason: `an order cannot go from ${from} to ${to}` };
  const refused = transition.guard(ctx);
  return refused ? { ok: false, reason: refused } : { ok: true, transition };
}

/** Statuses reachable from `from` at all (ignoring guards), for error messages. */
export function nextStatuses(from: OrderStatus): OrderStatus[] {
  return ORDER_TRANSITIONS.filter((t) => t.from === from).map((t) => t.to);
}

export function isTerminal(status: OrderStatus): boolean {
  return nextStatuses(status).length === 0;
}

export class IllegalTransitionError extends ProblemException {
  constructor(orderId: string, from: OrderStatus, to: OrderStatus, reason: string) {
    super(409, 'illegal-transition', `Order ${orderId} is ${from} and cannot become ${to}: ${reason}.`, {
      orderId,
      from,
      to,
      allowed: nextStatuses(from),
    });
  }
}
