import { Injectable } from '@nestjs/common';
import { EVENTS, OutboxService } from '@ha-shop/events';
import { ProblemException } from '@ha-shop/service-kit';
import { DataSource, EntityManager } from 'typeorm';
import { StockLevelDto } from '../admin/dto/admin-response.dto';

const STOCK_COLUMNS = 'sku, available, reserved, sold';

@Injectable()
export class StockService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  /** Admin correction of available stock: relative (`delta`) or absolute (`quantity`). Never below zero. */
  async adjust(sku: string, change: { delta?: number; quantity?: number }): Promise<StockLevelDto> {
    if ((change.delta === undefined) === (change.quantity === undefined)) {
      throw new ProblemException(400, 'validation-failed', 'Send exactly one of delta or quantity.', {
        errors: [{ field: 'delta', message: 'exactly one of delta or quantity is required' }],
      });
    }
    return this.dataSource.transaction(async (m) => {
      let level: StockLevelDto | undefined;
      let previous: number;
      if (change.delta !== undefined) {
        [level] = await updated(
          m,
          `UPDATE stock SET available = available + $2, updated_at = now()
            WHERE sku = $1 AND available + $2 >= 0 RETURNING ${STOCK_COLUMNS}`,
          [sku, change.delta],
        );
        if (!level) await this.explainFailure(m, sku, change.delta);
        previous = level!.available - change.delta;
      } else {
        // An absolute set does not depend on the old value; the lock only makes the reported delta exact.
        const [old] = await rows(m, `SELECT ${STOCK_COLUMNS} FROM stock WHERE sku = $1 FOR UPDATE`, [sku]);
        if (!old) throw skuNotFound(sku);
        [level] = await updated(
          m,
          `UPDATE stock SET available = $2, updated_at = now() WHERE sku = $1 RETURNING ${STOCK_COLUMNS}`,
          [sku, change.quantity],
        );
        previous = old.available;
      }
      await this.outbox.append(m, {
        type: EVENTS.stockAdjusted,
        aggregateId: sku,
        payload: { sku, delta: level!.available - previous, previous, available: level!.available },
      });
      return level!;
    });
  }

  async get(sku: string): Promise<StockLevelDto> {
    const [level] = await rows(this.dataSource.manager, `SELECT ${STOCK_COLUMNS} FROM stock WHERE sku = $1`, [
      sku,
    ]);
    if (!level) throw skuNotFound(sku);
    return level;
  }

  private async explainFailure(m: EntityManager, sku: string, delta: number): Promise<never> {
    const [current] = await rows(m, `SELECT ${STOCK_COLUMNS} FROM stock WHERE sku = $1`, [sku]);
    if (!current) throw skuNotFound(sku);
    throw new ProblemException(409, 'insufficient-stock', `Stock of ${sku} cannot go below zero.`, {
      sku,
      available: current.available,
      delta,
    });
  }
}

function rows(m: EntityManager, text: string, params: unknown[]): Promise<StockLevelDto[]> {
  return m.query(text, params);
}

/** TypeORM answers an UPDATE with `[rows, count]`. */
async function updated(m: EntityManager, text: string, params: unknown[]): Promise<StockLevelDto[]> {
  const [list] = (await m.query(text, params)) as [StockLevelDto[], number];
  return list;
}

export function skuNotFound(sku: string): ProblemException {
  return new ProblemException(404, 'sku-not-found', `No variant with SKU ${sku}.`);
}
