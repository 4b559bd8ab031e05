/** What an order line is priced with: authoritative catalog data for one SKU, as product-service answers it. */
export interface UnitPrice {
  sku: string;
  name: string;
  /** Integer minor units. */
  unitPrice: number;
  currency: string;
  /** On sale (product active). */
  active: boolean;
}

/** A price-list entry (POST /internal/prices), which also tells what is in stock. */
export interface PricedSku extends UnitPrice {
  /** Units that can be reserved right now. */
  availableUnits: number;
}

export interface PriceList<T extends UnitPrice = PricedSku> {
  bySku: Map<string, T>;
  /** Requested SKUs product-service does not know. */
  missing: string[];
}

export interface ReservationLine {
  sku: string;
  quantity: number;
}

export type ReserveOutcome =
  /**
   * `prices`: what the reservation was made at (a replay: the first answer's). Undefined only when
   * product-service answered without them (a replica older than prices in the reservation).
   */
  | { outcome: 'reserved'; prices: PriceList<UnitPrice> | undefined }
  | { outcome: 'out-of-stock'; skus: string[] }
  | { outcome: 'unknown-sku'; skus: string[] }
  /** Some products are not on sale (any more). */
  | { outcome: 'sku-unavailable'; skus: string[] }
  /** A replay found the key's reservation given back (released or expired): it holds nothing. */
  | { outcome: 'gone'; status: string }
  /** The key is already used for other items (a bug on our side, or a key collision). */
  | { outcome: 'conflict'; detail: string };

/** commit/release answers: done (also on replay), unknown key, or refused (e.g. releasing a committed one). */
export type SettleOutcome = 'done' | 'not-found' | 'conflict';

export interface ChargeRequest {
  idempotencyKey: string;
  orderId: string;
  amount: number;
  currency: string;
  card: { number: string; expMonth: number; expYear: number; cvc?: string };
  customerId?: string;
}

export type ChargeOutcome =
  | { outcome: 'authorised'; paymentId: string }
  | { outcome: 'declined'; paymentId?: string; declineCode: string }
  /** No answer we can act on (outage, breaker open, timeout, key busy): try again later with the same key. */
  | { outcome: 'unavailable'; reason: string; retryAfterMs?: number }
  /**
   * payment-service refused the request itself (400 validation, 422 idempotency-key-reused, …):
   * not a decline, and a charge under the same key may exist, so the order stays parked and
   * the worker reconciles it (GET /payments?orderId=).
   */
  | { outcome: 'unknown'; reason: string };

/** One charge as `GET /payments?orderId=` lists it. */
export interface PaymentRecord {
  id: string;
  status: 'authorised' | 'declined';
  amount: number;
  currency: string;
  refundedAmount: number;
}

export type RefundOutcome =
  { outcome: 'refunded'; refundId: string } | { outcome: 'refused'; status: number; detail: string };
