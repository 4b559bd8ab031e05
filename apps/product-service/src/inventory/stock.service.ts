import { Injectable } from '@nestjs/common';
import { EVENTS, OutboxService } from '@ha-shop/events';
import { ProblemException } from '@ha-shop/service-kit';
import { DataSource, EntityManager } from 'typeorm';
import { addAvailable, findStock, setAvailable, StockLevel } from './stock.repository';

@Injectable()
export class StockService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  /** Admin correction of available stock: relative (`delta`) or absolute (`quantity`). Never below zero. */
  async adjust(sku: string, change: { delta?: number; quantity?: number }): Promise<StockLevel> {
    if ((change.delta === undefined) === (change.quantity === undefined)) {
      throw new ProblemException(400, 'validation-failed', 'Send exactly one of delta or quantity.', {
        errors: [{ field: 'delta', message: 'exactly one of delta or quantity is required' }],
      });
    }
    return this.dataSource.transaction(async (m) => {
      let level: StockLevel | undefined;
      let previous: number;
      if (change.delta !== undefined) {
        level = await addAvailable(m, sku, change.delta);
        if (!level) return this.explainFailure(m, sku, change.delta);
        previous = level.available - change.delta;
      } else {
        // An absolute set does not depend on the old value; the lock only makes the reported delta exact.
        const old = await findStock(m, sku, true);
        if (!old) throw skuNotFound(sku);
        level = (await setAvailable(m, sku, change.quantity as number)) as StockLevel;
        previous = old.available;
      }
      await this.outbox.append(m, {
        type: EVENTS.stockAdjusted,
        aggregateId: sku,
        payload: { sku, delta: level.available - previous, previous, available: level.available },
      });
      return level;
    });
  }

  async get(sku: string): Promise<StockLevel> {
    const level = await findStock(this.dataSource.manager, sku);
    if (!level) throw skuNotFound(sku);
    return level;
  }

  private async explainFailure(m: EntityManager, sku: string, delta: number): Promise<never> {
    const current = await findStock(m, sku);
    if (!current) throw skuNotFound(sku);
    throw new ProblemException(409, 'insufficient-stock', `Stock of ${sku} cannot go below zero.`, {
      sku,
      available: current.available,
      delta,
    });
  }
}

export function skuNotFound(sku: string): ProblemException {
  return new ProblemException(404, 'sku-not-found', `No variant with SKU ${sku}.`);
}
