/**
 * Idempotency keys derived from the order id: every retry of a step, by anyone (the checkout
 * request, a recovery pass, an admin refund), uses the same one, so a side effect happens once.
 */
export const reservationKeyFor = (orderId: string) => `order:${orderId}`;
export const paymentKeyFor = (orderId: string) => `checkout:order:${orderId}`;
export const refundKeyFor = (orderId: string) => `checkout:refund:${orderId}`;
