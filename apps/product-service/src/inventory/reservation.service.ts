import { Injectable } from '@nestjs/common';
import { EVENTS, OutboxService } from '@ha-shop/events';
import { ProblemException } from '@ha-shop/service-kit';
import { DataSource, EntityManager } from 'typeorm';
import { ProductEnv } from '../config/product.env';
import { CreateReservationDto, ReservationDto } from './dto/inventory.dto';
import { ReservationItem, ReservationStatus } from './reservation.entity';
import { canonical, moveReserved, takeStock, throwShortage } from './stock-moves';

interface ReservationRow {
  reservation_key: string;
  status: ReservationStatus;
  items: ReservationItem[];
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
  committed_at: Date | null;
  released_at: Date | null;
}

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

  /** Returns the reservation and whether this call created it (false for an idempotent replay). */
  async reserve(dto: CreateReservationDto): Promise<{ created: boolean; reservation: ReservationDto }> {
    const items = canonical(dto.items);
    const ttl = dto.ttlSeconds ?? this.env.RESERVATION_TTL_SECONDS;
    return this.dataSource.transaction(async (m) => {
      // A concurrent insert of the same key makes this wait for that transaction, then see its row.
      const inserted: ReservationRow[] = await m.query(
        `INSERT INTO reservation (reservation_key, status, items, expires_at)
         VALUES ($1, 'reserved', $2::jsonb, now() + make_interval(secs => $3))
         ON CONFLICT (reservation_key) DO NOTHING RETURNING *`,
        [dto.reservationKey, JSON.stringify(items), ttl],
      );
      if (inserted.length === 0) {
        const existing = await this.find(m, dto.reservationKey, false);
        if (fingerprint(existing.items) !== fingerprint(items)) {
          throw new ProblemException(
            422,
            'reservation-key-reused',
            'This reservation key was already used with different items.',
            { reservationKey: dto.reservationKey },
          );
        }
        return { created: false, reservation: toDto(existing) };
      }
      const short = await takeStock(m, items, 'reserved');
      if (short.length > 0) await throwShortage(m, short);
      const reservation = toDto(inserted[0]);
      await this.outbox.append(m, {
        type: EVENTS.inventoryReserved,
        aggregateId: dto.reservationKey,
        payload: { reservationKey: dto.reservationKey, items, expiresAt: reservation.expiresAt },
      });
      return { created: true, reservation };
    });
  }

  get(key: string): Promise<ReservationDto> {
    return this.find(this.dataSource.manager, key, false).then(toDto);
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
          payload: { reservationKey: key, items: claimed.items, afterExpiry: false },
        });
        return toDto(claimed);
      }
      const current = await this.find(m, key, true);
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
        payload: { reservationKey: key, items: current.items, afterExpiry: true },
      });
      return toDto(updated);
    });
  }

  /** Reserved units go back on sale. Idempotent (also for an expired reservation); a committed one is a 409. */
  release(key: string): Promise<ReservationDto> {
    return this.dataSource.transaction(async (m) => {
      const claimed = await settleReserved(m, key, 'released');
      if (claimed) {
        await moveReserved(m, claimed.items, 'available');
        await this.outbox.append(m, {
          type: EVENTS.inventoryReleased,
          aggregateId: key,
          payload: { reservationKey: key, items: claimed.items, reason: 'released' },
        });
        return toDto(claimed);
      }
      // Not held any more (a held one was settled above): released or expired is a replay.
      const current = await this.find(m, key, true);
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

  /**
   * Expires due reservations and returns their stock, in one transaction per batch.
   * SKIP LOCKED lets several replicas sweep at once without waiting on (or double
   * counting) each other, and skips reservations a commit/release is working on.
   */
  async sweepExpired(batchSize: number): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const [expired]: [Array<{ reservation_key: string; items: ReservationItem[] }>, number] = await m.query(
        `UPDATE reservation SET status = 'expired', released_at = now(), updated_at = now()
          WHERE status = 'reserved' AND reservation_key IN (
                SELECT reservation_key FROM reservation
                 WHERE status = 'reserved' AND expires_at <= now()
                 ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING reservation_key, items`,
        [batchSize],
      );
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
          payload: { reservationKey: r.reservation_key, items: r.items, reason: 'expired' as const },
        })),
      );
      return expired.length;
    });
  }

  private async find(m: EntityManager, key: string, lock: boolean): Promise<ReservationRow> {
    const [row]: ReservationRow[] = await m.query(
      `SELECT * FROM reservation WHERE reservation_key = $1${lock ? ' FOR UPDATE' : ''}`,
      [key],
    );
    if (!row) throw new ProblemException(404, 'reservation-not-found', `No reservation with key ${key}.`);
    return row;
  }
}

function fingerprint(items: ReservationItem[]): string {
  return canonical(items)
    .map((i) => `${i.sku}*${i.quantity}`)
    .join(',');
}

/** Marks a reservation that is still 'reserved' committed or released; undefined when it is not (or missing). */
async function settleReserved(
  m: EntityManager,
  key: string,
  status: 'committed' | 'released',
): Promise<ReservationRow | undefined> {
  const column = status === 'committed' ? 'committed_at' : 'released_at';
  const [rows]: [ReservationRow[], number] = await m.query(
    `UPDATE reservation SET status = $2, ${column} = now(), updated_at = now()
      WHERE reservation_key = $1 AND status = 'reserved' RETURNING *`,
    [key, status],
  );
  return rows[0];
}

async function setStatus(
  m: EntityManager,
  key: string,
  status: 'committed' | 'released',
): Promise<ReservationRow> {
  const column = status === 'committed' ? 'committed_at' : 'released_at';
  const [[row]]: [ReservationRow[], number] = await m.query(
    `UPDATE reservation SET status = $2, ${column} = now(), updated_at = now() WHERE reservation_key = $1 RETURNING *`,
    [key, status],
  );
  return row;
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
