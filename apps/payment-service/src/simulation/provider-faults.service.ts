import { businessMetrics } from '@ha-shop/observability';
import { Injectable, Logger } from '@nestjs/common';
import { ServiceUnavailableProblem } from '@ha-shop/service-kit';
import { setTimeout as sleep } from 'node:timers/promises';
import { PaymentEnv } from '../config/payment.env';

export interface FaultSettings {
  latencyMs: number;
  declineRate: number;
  outageRate: number;
}

/**
 * The simulated provider's misbehaviour: seeded from the environment, changed at runtime
 * through the fault-injection switch. Per process, so each replica is set on its own.
 */
@Injectable()
export class ProviderFaults {
  private readonly logger = new Logger(ProviderFaults.name);
  private current: FaultSettings;

  constructor(env: PaymentEnv) {
    this.current = {
      latencyMs: env.PAYMENT_LATENCY_MS,
      declineRate: env.PAYMENT_DECLINE_RATE,
      outageRate: env.PAYMENT_OUTAGE_RATE,
    };
  }

  get settings(): FaultSettings {
    return { ...this.current };
  }

  update(change: Partial<FaultSettings>): FaultSettings {
    const next = { ...this.current };
    for (const key of ['latencyMs', 'declineRate', 'outageRate'] as const) {
      if (change[key] !== undefined) next[key] = change[key];
    }
    this.current = next;
    this.logger.warn({ faults: next }, 'provider faults changed');
    return this.settings;
  }

  /** Throws the outage answer for a share of requests: before anything is read or written. */
  checkAvailable(): void {
    const rate = this.current.outageRate;
    if (rate > 0 && Math.random() < rate) {
      businessMetrics().payments.inc({ outcome: 'error' });
      throw new ServiceUnavailableProblem(
        'The payment provider is unavailable (simulated outage); retry shortly.',
        1,
        {
          retryable: true,
        },
      );
    }
  }

  /** The provider call's duration. */
  async delay(): Promise<void> {
    if (this.current.latencyMs > 0) await sleep(this.current.latencyMs);
  }
}
