import { Injectable } from '@nestjs/common';
import { EVENTS, OutboxService } from '@ha-shop/events';
import { businessMetrics } from '@ha-shop/observability';
import { dependencyErrorToProblem, isDependencyUnavailable } from '@ha-shop/resilience';
import { ProblemException, RequestContext } from '@ha-shop/service-kit';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { PricedSku } from '../clients/client-types';
import { ProductClient } from '../clients/product.client';
import { UnexpectedDependencyResponse } from '../clients/unexpected-response';
import { CheckoutEnv } from '../config/checkout.env';
import {
  CartAccess,
  CartCaller,
  canAccessCart,
  cartNotFound,
  cartTokenMatches,
  newCartToken,
} from './cart-access';
import { CartRepository, CartRow, MAX_LINE_QUANTITY, MAX_LINES } from './cart.repository';
import { applyPrices, sameSnapshot, snapshotOf, snapshotOfLine, withLine } from './cart-lines';
import { CartView, toCartView } from './cart.view';

@Injectable()
export class CartService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: CartRepository,
    private readonly access: CartAccess,
    private readonly product: ProductClient,
    private readonly outbox: OutboxService,
    private readonly env: CheckoutEnv,
  ) {}

  /** Guests get a new cart and its token; a customer gets their one active cart (created if needed). */
  async create(caller: CartCaller): Promise<{ view: CartView; created: boolean }> {
    if (caller.principal) {
      const { cart, created } = await this.repo.activeForUser(caller.principal.userId, randomUUID());
      return { view: await this.view(cart), created };
    }
    const { token, hash } = newCartToken();
    const cart = await this.repo.insertGuest(randomUUID(), hash);
    return { view: { ...toCartView(cart, [], false), token }, created: true };
  }

  async get(cartId: string, caller: CartCaller): Promise<CartView> {
    return this.view(await this.access.load(cartId, caller));
  }

  /**
   * Prices the new SKU (and re-prices the other lines) at product-service, then, on the locked
   * cart: the checks, the line, the snapshots of the other lines that changed, the event. The
   * lines are read once, under the lock, and the answer is built from them and the written line.
   */
  async addItem(cartId: string, caller: CartCaller, sku: string, quantity: number): Promise<CartView> {
    const found = await this.repo.findWithSkus(cartId);
    if (!found || !canAccessCart(found.cart, caller)) throw cartNotFound();
    const cart = found.cart;
    assertActive(cart);
    const skus = [sku, ...found.skus.filter((s) => s !== sku)];
    const prices = await RequestContext.within(this.env.CART_PRICE_DEADLINE_MS, () =>
      this.product.prices(skus),
    ).catch((err: unknown) => {
      if (isDependencyUnavailable(err)) throw dependencyErrorToProblem(err);
      throw err;
    });
    const priced = prices.bySku.get(sku);
    if (!priced) throw new ProblemException(422, 'unknown-sku', `No product with SKU ${sku}.`, { sku });
    if (!priced.active)
      throw new ProblemException(422, 'sku-unavailable', `SKU ${sku} is not on sale.`, { sku });
    if (priced.availableUnits < quantity) {
      throw new ProblemException(409, 'out-of-stock', `Only ${priced.availableUnits} of ${sku} in stock.`, {
        skus: [sku],
        available: priced.availableUnits,
      });
    }

    const view = await this.ds.transaction(async (m) => {
      const row = await this.repo.lockActive(m, cart.id);
      if (!row) throw cartNotActive();
      const others = (await this.repo.items(cart.id, m)).filter((l) => l.sku !== sku);
      const currencies = [...new Set(others.map((l) => l.currency))];
      if (currencies.some((c) => c !== priced.currency)) {
        throw new ProblemException(
          422,
          'currency-mismatch',
          `SKU ${sku} is priced in ${priced.currency}, the cart in ${currencies[0]}.`,
        );
      }
      if (others.length >= MAX_LINES) {
        throw new ProblemException(422, 'cart-full', `A cart holds at most ${MAX_LINES} different items.`);
      }
      const line = await this.repo.addToLine(m, cart.id, snapshotOf(priced), quantity);
      if (line === undefined) {
        throw new ProblemException(
          422,
          'quantity-limit',
          `At most ${MAX_LINE_QUANTITY} of one item per cart.`,
          {
            sku,
            max: MAX_LINE_QUANTITY,
          },
        );
      }
      // Only lines whose stored snapshot differs from the fresh read are written: usually none.
      const refreshed = applyPrices(others, prices.bySku, prices.missing);
      const changed = refreshed.filter((l, i) => !sameSnapshot(l, others[i]));
      await this.repo.updateSnapshots(
        cart.id,
        changed.filter((l) => prices.bySku.has(l.sku)).map(snapshotOfLine),
        m,
      );
      await this.repo.markUnavailable(
        cart.id,
        changed.filter((l) => !prices.bySku.has(l.sku)).map((l) => l.sku),
        m,
      );
      await this.outbox.append(m, {
        type: EVENTS.cartItemAdded,
        aggregateId: cart.id,
        payload: {
          cartId: cart.id,
          userId: cart.userId,
          sku,
          quantity,
          lineQuantity: line.quantity,
          unitPrice: priced.unitPrice,
          currency: priced.currency,
        },
      });
      return toCartView(row, withLine(refreshed, line), false);
    });
    businessMetrics().cartAdds.inc();
    return view;
  }

  async setQuantity(cartId: string, caller: CartCaller, sku: string, quantity: number): Promise<CartView> {
    const cart = await this.access.load(cartId, caller);
    const locked = await this.ds.transaction(async (m) => {
      const row = await this.repo.lockActive(m, cart.id);
      if (!row) throw cartNotActive();
      if (!(await this.repo.setQuantity(m, cart.id, sku, quantity))) throw lineNotFound(sku);
      return row;
    });
    return this.view(locked);
  }

  async removeItem(cartId: string, caller: CartCaller, sku: string): Promise<CartView> {
    const cart = await this.access.load(cartId, caller);
    const locked = await this.ds.transaction(async (m) => {
      const row = await this.repo.lockActive(m, cart.id);
      if (!row) throw cartNotActive();
      if (!(await this.repo.removeLine(m, cart.id, sku))) throw lineNotFound(sku);
      return row;
    });
    return this.view(locked);
  }

  async delete(cartId: string, caller: CartCaller): Promise<void> {
    const cart = await this.access.load(cartId, caller);
    const ok = await this.ds.transaction((m) => this.repo.setStatus(m, cart.id, ['active'], 'deleted'));
    if (!ok) throw cartNotActive();
  }

  /**
   * Moves a guest cart's lines into the signed-in customer's cart (created if missing).
   * Quantities add up to the per-line maximum. Repeating a merge is harmless: the guest
   * cart is then already merged into this customer's cart and that cart is returned.
   */
  async merge(
    caller: Required<Pick<CartCaller, 'principal'>>,
    guestCartId: string,
    guestToken: string,
  ): Promise<CartView> {
    const userId = caller.principal.userId;
    const target = await this.ds.transaction(async (m) => {
      const guest = await this.repo.lockAny(m, guestCartId);
      if (!guest || guest.userId || !cartTokenMatches(guest, guestToken) || guest.status === 'deleted')
        throw cartNotFound();
      const { cart: mine } = await this.repo.activeForUser(userId, randomUUID(), m);
      if (guest.status === 'merged') {
        if (guest.mergedInto === mine.id) return mine;
        throw cartNotFound();
      }
      if (guest.status !== 'active') throw cartNotActive();
      const locked = await this.repo.lockActive(m, mine.id);
      if (!locked) throw cartNotActive();
      await this.mergeLines(m, guest.id, mine.id);
      await this.repo.markMerged(m, guest.id, mine.id);
      return locked;
    });
    return this.view(target);
  }

  /** The cart with prices re-read from product-service; the stored snapshot, marked stale, when it is out. */
  async view(cart: CartRow): Promise<CartView> {
    const items = await this.repo.items(cart.id);
    if (items.length === 0 || cart.status !== 'active') return toCartView(cart, items, false);
    try {
      const prices = await RequestContext.within(this.env.CART_PRICE_DEADLINE_MS, () =>
        this.product.prices(items.map((i) => i.sku)),
      );
      await this.refreshSnapshots(this.ds.manager, cart.id, prices.bySku, prices.missing);
      return toCartView(cart, applyPrices(items, prices.bySku, prices.missing), false);
    } catch (err) {
      // An answer that cannot be used is an outage to the cart, too: the last known prices.
      if (isDependencyUnavailable(err) || err instanceof UnexpectedDependencyResponse)
        return toCartView(cart, items, true);
      throw err;
    }
  }

  private async mergeLines(m: EntityManager, from: string, to: string): Promise<void> {
    const { lines, currencies } = await this.repo.lineStats(m, [from, to]);
    if (currencies > 1)
      throw new ProblemException(422, 'currency-mismatch', 'The carts are priced in different currencies.');
    if (lines > MAX_LINES)
      throw new ProblemException(
        422,
        'cart-full',
        `The merged cart would hold more than ${MAX_LINES} items.`,
      );
    await this.repo.copyLines(m, from, to);
  }

  private async refreshSnapshots(
    m: EntityManager,
    cartId: string,
    bySku: Map<string, PricedSku>,
    missing: string[],
  ): Promise<void> {
    await this.repo.updateSnapshots(cartId, [...bySku.values()].map(snapshotOf), m);
    await this.repo.markUnavailable(cartId, missing, m);
  }
}

function assertActive(cart: CartRow): void {
  if (cart.status !== 'active') throw cartNotActive();
}

export function cartNotActive(): ProblemException {
  return new ProblemException(409, 'cart-not-active', 'The cart is checked out and can no longer change.');
}

function lineNotFound(sku: string): ProblemException {
  return new ProblemException(404, 'cart-item-not-found', `The cart has no item ${sku}.`, { sku });
}
