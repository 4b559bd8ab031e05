import { Injectable } from '@nestjs/common';
import { PolicyRegistry, ServiceClient, ServiceResponse } from '@ha-shop/resilience';
import { CheckoutEnv } from '../config/checkout.env';
import {
  PriceList,
  PricedSku,
  ReservationLine,
  ReserveOutcome,
  SettleOutcome,
  UnitPrice,
} from './client-types';
import { internalServiceClient } from './internal-client';
import { unexpectedResponse } from './unexpected-response';

export const PRODUCT_DEPENDENCY = 'checkout→product';
/** product-service's limit per price request. */
const PRICE_BATCH = 200;

/**
 * A catalog line as product-service answers it, in /internal/prices and in a reservation's
 * items. Typed as unknown: each field is checked before use (see unitPriceFrom).
 */
interface CatalogItemBody {
  sku?: unknown;
  name?: unknown;
  options?: Record<string, string> | null;
  price?: unknown;
  currency?: unknown;
  active?: unknown;
  /** Only in /internal/prices. */
  available?: unknown;
}

interface ProblemBody {
  /** A reservation's status (on 200/201). */
  status?: string;
  type?: string;
  detail?: string;
  skus?: unknown;
  items?: unknown;
}

/**
 * product-service's internal inventory and price routes, through the shared resilience
 * policy for `checkout→product`. 4xx answers become typed outcomes; when the service is
 * unreachable the call throws DependencyUnavailableError (callers decide: stale cart or 503).
 *
 * The deadline and the customer a call is made for come from the RequestContext (ServiceClient
 * reads it); callers that must outlive their own caller (commit, release) run the call in
 * `RequestContext.outlivingCaller`.
 */
@Injectable()
export class ProductClient {
  private readonly http: ServiceClient;

  constructor(env: CheckoutEnv, registry: PolicyRegistry) {
    this.http = internalServiceClient(PRODUCT_DEPENDENCY, env.PRODUCT_SERVICE_URL, env, registry);
  }

  async prices(skus: string[]): Promise<PriceList> {
    const bySku = new Map<string, PricedSku>();
    const missing: string[] = [];
    for (let i = 0; i < skus.length; i += PRICE_BATCH) {
      const res = await this.http.request<{ items: CatalogItemBody[]; missing: string[] }>({
        method: 'POST',
        path: '/internal/prices',
        body: { skus: skus.slice(i, i + PRICE_BATCH) },
        // A read, even though it is a POST (the SKU list does not fit a URL comfortably).
        idempotent: true,
      });
      if (res.status !== 200 || !Array.isArray(res.body?.items) || !Array.isArray(res.body?.missing))
        throw unexpectedResponse('product-service', 'POST /internal/prices', res);
      for (const item of res.body.items) {
        const price = unitPriceFrom(item);
        if (!price || !Number.isSafeInteger(item.available))
          throw unexpectedResponse('product-service', 'POST /internal/prices', res);
        bySku.set(price.sku, { ...price, availableUnits: item.available as number });
      }
      missing.push(...res.body.missing);
    }
    return { bySku, missing };
  }

  async reserve(
    reservationKey: string,
    items: ReservationLine[],
    ttlSeconds: number,
  ): Promise<ReserveOutcome> {
    const res = await this.http.request<ProblemBody>({
      method: 'POST',
      path: '/internal/inventory/reservations',
      body: { reservationKey, items, ttlSeconds },
      // Safe to retry: the reservation key makes a replay return the same reservation.
      idempotent: true,
    });
    if ((res.status === 200 || res.status === 201) && typeof res.body?.status === 'string') {
      // A replay answers the reservation as it is now: released or expired meanwhile, it holds no stock.
      if (res.body.status === 'reserved') {
        const prices = reservedPrices(res.body.items, items);
        if (prices === 'unusable') {
          throw unexpectedResponse('product-service', 'POST /internal/inventory/reservations', res);
        }
        return { outcome: 'reserved', prices };
      }
      return { outcome: 'gone', status: res.body.status };
    }
    if (res.status === 409 && res.body?.type?.endsWith('/out-of-stock')) {
      return { outcome: 'out-of-stock', skus: shortSkus(res.body) };
    }
    if (res.status === 422 && res.body?.type?.endsWith('/unknown-sku')) {
      return { outcome: 'unknown-sku', skus: shortSkus(res.body) };
    }
    if (res.status === 422 && res.body?.type?.endsWith('/sku-unavailable')) {
      return { outcome: 'sku-unavailable', skus: shortSkus(res.body) };
    }
    if (res.status === 409 || res.status === 422) {
      return { outcome: 'conflict', detail: res.body?.detail ?? `reservation refused (${res.status})` };
    }
    throw unexpectedResponse('product-service', 'POST /internal/inventory/reservations', res);
  }

  commit(reservationKey: string): Promise<SettleOutcome> {
    return this.settle(reservationKey, 'commit');
  }

  release(reservationKey: string): Promise<SettleOutcome> {
    return this.settle(reservationKey, 'release');
  }

  private async settle(reservationKey: string, action: 'commit' | 'release'): Promise<SettleOutcome> {
    const path = `/internal/inventory/reservations/${encodeURIComponent(reservationKey)}/${action}`;
    const res: ServiceResponse<ProblemBody> = await this.http.request({
      method: 'POST',
      path,
      idempotent: true,
    });
    if (res.status === 200 || res.status === 201) return 'done';
    if (res.status === 404) return 'not-found';
    if (res.status === 409) return 'conflict';
    throw unexpectedResponse('product-service', `POST ${path}`, res);
  }
}

/**
 * The prices a reservation answer carries, one per requested SKU (null price: the variant is gone).
 * Undefined when it carries none at all (a product-service replica from before prices were part of
 * the answer, during a rollout); 'unusable' when it is not the answer to these items.
 */
function reservedPrices(
  body: unknown,
  requested: ReservationLine[],
): PriceList<UnitPrice> | undefined | 'unusable' {
  if (!Array.isArray(body)) return 'unusable';
  const answered = body as CatalogItemBody[];
  if (answered.every((i) => typeof i === 'object' && i !== null && !('price' in i))) return undefined;
  const bySku = new Map<string, UnitPrice>();
  const missing: string[] = [];
  for (const item of answered) {
    if (typeof item?.sku === 'string' && item.price === null) {
      missing.push(item.sku);
      continue;
    }
    const price = unitPriceFrom(item);
    if (!price) return 'unusable';
    bySku.set(price.sku, price);
  }
  const known = (sku: string) => bySku.has(sku) || missing.includes(sku);
  if (answered.length !== requested.length || !requested.every((r) => known(r.sku))) return 'unusable';
  return { bySku, missing };
}

/** The unit price a catalog line states; undefined when a field is missing or of the wrong type. */
function unitPriceFrom(item: CatalogItemBody | null | undefined): UnitPrice | undefined {
  if (
    typeof item?.sku !== 'string' ||
    !Number.isSafeInteger(item.price) ||
    typeof item.currency !== 'string' ||
    typeof item.name !== 'string' ||
    typeof item.active !== 'boolean'
  )
    return undefined;
  return {
    sku: item.sku,
    name: displayName({ name: item.name, options: item.options ?? undefined }),
    unitPrice: item.price as number,
    currency: item.currency,
    active: item.active,
  };
}

/** "Mug (black, large)": the variant's options make the line recognisable on the order. */
function displayName(item: { name: string; options?: Record<string, string> }): string {
  const options = Object.values(item.options ?? {}).filter((v) => typeof v === 'string' && v.length > 0);
  const name = options.length > 0 ? `${item.name} (${options.join(', ')})` : item.name;
  return name.length > 200 ? `${name.slice(0, 199)}…` : name;
}

/** The out-of-stock problem lists the short SKUs, either as strings or as `{ sku, ... }` objects. */
function shortSkus(body: ProblemBody): string[] {
  const list = Array.isArray(body.skus) ? body.skus : Array.isArray(body.items) ? body.items : [];
  return list
    .map((s: unknown) => (typeof s === 'string' ? s : (s as { sku?: unknown })?.sku))
    .filter((s): s is string => typeof s === 'string');
}
