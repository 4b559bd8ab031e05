import { Injectable } from '@nestjs/common';
import { EVENTS, OutboxService } from '@ha-shop/events';
import { ProblemException } from '@ha-shop/service-kit';
import { DataSource, EntityManager } from 'typeorm';
import { ProductEnv } from '../config/product.env';
import { CreateReservationDto, ReservationDto } from './dto/inventory.dto';
import { refuseUnsellable, withPrices } from './reservation-pricing';
import {
  expireDue,
  findReservation,
  insertPriced,
  insertTombstone,
  isTombstone,
  setStatus,
  settleReserved,
} from './reservation.repository';
import { ReservationItem, ReservationRow } from './reservation.entity';
import { availableOf, canonical, moveReserved, takeStock } from './stock.repository';

/**
 * Stock reservations for checkout. Every stock change is one guarded UPDATE per SKU
 * (`... WHERE available >= $q`), so stock can't go negative however many requests race;
 * SKUs are always touched in sorted order so concurrent multi-item reservations can't deadlock.
 */
@Injectable()
export class ReservationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly env: ProductEnv,
  ) {}

  /**
   * Returns the reservation and whether this call created it (false for an idempotent replay).
   * Its items carry the prices they were reserved at; a replay answers the same ones.
   */
  async reserve(dto: CreateReservationDto): Promise<{ created: boolean; reservation: ReservationDto }> {
    const items = canonical(dto.items);
    const ttl = dto.ttlSeconds ?? this.env.RESERVATION_TTL_SECONDS;
    return this.dataSource.transaction(async (m) => {
      const inserted = await insertPriced(m, dto.reservationKey, items, ttl);
      if (!inserted) {
        const existing = await findReservation(m, dto.reservationKey, false);
        // Released before it was made: answered as released, so the caller knows nothing is held.
        if (isTombstone(existing)) return { created: false, reservation: toDto(existing) };
        if (fingerprint(existing.items) !== fingerprint(items)) {
          throw new ProblemException(
            422,
            'reservation-key-reused',
            'This reservation key was already used with different items.',
            { reservationKey: dto.reservationKey },
          );
        }
        return { created: false, reservation: toDto(await withPrices(m, existing)) };
      }
      refuseUnsellable(inserted.items);
      const short = await takeStock(m, items, 'reserved');
      if (short.length > 0) await throwShortage(m, short);
      const reservation = toDto(inserted);
      await this.outbox.append(m, {
        type: EVENTS.inventoryReserved,
        aggregateId: dto.reservationKey,
        payload: { reservationKey: dto.reservationKey, items, expiresAt: reservation.expiresAt },
      });
      return { created: true, reservation };
    });
  }

  get(key: string): Promise<ReservationDto> {
    return findReservation(this.dataSource.manager, key, false).then(toDto);
  }

  /** Reserved units become sold. Idempotent; after expiry it takes the stock again if it is still there. */
  commit(key: string): Promise<ReservationDto> {
    return this.dataSource.transaction(async (m) => {
      // The checkout's case, a reservation still held, in one statement that also locks it.
      const claimed = await settleReserved(m, key, 'committed');
      if (claimed) {
        await moveReserved(m, claimed.items, 'sold');
        await this.outbox.append(m, {
          type: EVENTS.inventoryCommitted,
          aggregateId: key,
          payload: { reservationKey: key, items: canonical(claimed.items), afterExpiry: false },
        });
        return toDto(claimed);
      }
      const current = await findReservation(m, key, true);
      if (current.status === 'committed') return toDto(current);
      if (current.status === 'released') {
        throw new ProblemException(
          409,
          'reservation-released',
          'The reservation was released and cannot be committed.',
          {
            reservationKey: key,
          },
        );
      }
      // Expired (a held one was settled above): take the stock again if it is still there.
      const short = await takeStock(m, current.items, 'sold');
      if (short.length > 0) await throwShortage(m, short, 'The reservation expired and the stock is gone.');
      const updated = await setStatus(m, key, 'committed');
      await this.outbox.append(m, {
        type: EVENTS.inventoryCommitted,
        aggregateId: key,
        payload: { reservationKey: key, items: canonical(current.items), afterExpiry: true },
      });
      return toDto(updated);
    });
  }

  /**
   * Reserved units go back on sale. Idempotent (also for an expired reservation); a committed one
   * is a 409. An unknown key is released too (a tombstone), so a reserve arriving after it holds nothing.
   */
  release(key: string): Promise<ReservationDto> {
    return this.dataSource.transaction(async (m) => {
      let claimed = await settleReserved(m, key, 'released');
      if (!claimed) {
        const tombstone = await insertTombstone(m, key);
        if (tombstone) return toDto(tombstone);
        // The key exists: a reserve under it may have committed since the first statement.
        claimed = await settleReserved(m, key, 'released');
      }
      if (claimed) {
        await moveReserved(m, claimed.items, 'available');
        await this.outbox.append(m, {
          type: EVENTS.inventoryReleased,
          aggregateId: key,
          payload: { reservationKey: key, items: canonical(claimed.items), reason: 'released' },
        });
        return toDto(claimed);
      }
      // Not held any more (a held one was settled above): released or expired is a replay.
      const current = await findReservation(m, key, true);
      if (current.status === 'committed') {
        throw new ProblemException(
          409,
          'reservation-committed',
          'The reservation was committed and cannot be released.',
          {
            reservationKey: key,
          },
        );
      }
      return toDto(current);
    });
  }

  /** Expires due reservations and returns their stock, in one transaction per batch. */
  async sweepExpired(batchSize: number): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const expired = await expireDue(m, batchSize);
      if (expired.length === 0) return 0;
      const totals = new Map<string, number>();
      for (const r of expired)
        for (const i of r.items) totals.set(i.sku, (totals.get(i.sku) ?? 0) + i.quantity);
      await moveReserved(
        m,
        [...totals].map(([sku, quantity]) => ({ sku, quantity })),
        'available',
      );
      await this.outbox.append(
        m,
        ...expired.map((r) => ({
          type: EVENTS.inventoryReleased,
          aggregateId: r.reservation_key,
          payload: {
            reservationKey: r.reservation_key,
            items: canonical(r.items),
            reason: 'expired' as const,
          },
        })),
      );
      return expired.length;
    });
  }
}

/** The 409 (or 422 for SKUs that have no stock at all) for the items that could not be taken. */
async function throwShortage(m: EntityManager, short: ReservationItem[], detail?: string): Promise<never> {
  const available = await availableOf(
    m,
    short.map((s) => s.sku),
  );
  const unknown = short.filter((s) => !available.has(s.sku)).map((s) => s.sku);
  if (unknown.length > 0) {
    throw new ProblemException(422, 'unknown-sku', `Unknown SKU: ${unknown.join(', ')}.`, { skus: unknown });
  }
  throw new ProblemException(
    409,
    'out-of-stock',
    detail ?? `Not enough stock for: ${short.map((s) => s.sku).join(', ')}.`,
    {
      skus: short.map((s) => s.sku),
      items: short.map((s) => ({ sku: s.sku, requested: s.quantity, available: available.get(s.sku) ?? 0 })),
    },
  );
}

function fingerprint(items: ReservationItem[]): string {
  return canonical(items)
    .map((i) => `${i.sku}*${i.quantity}`)
    .join(',');
}

function toDto(r: ReservationRow): ReservationDto {
  return {
    reservationKey: r.reservation_key,
    status: r.status,
    items: r.items,
    expiresAt: r.expires_at.toISOString(),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    committedAt: r.committed_at?.toISOString() ?? null,
    releasedAt: r.released_at?.toISOString() ?? null,
  };
}
