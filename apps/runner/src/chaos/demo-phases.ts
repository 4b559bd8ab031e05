import { setTimeout as sleep } from 'node:timers/promises';
import { RunnerApi, RunnerStatus } from '../scenario/runner-api';
import type { ScenarioTimings } from './demo-script';

/** What `make chaos-demo` breaks, phase by phase; demo-script.ts runs and judges them. */
export interface Phase {
  name: string;
  title: string;
  needs?: string;
  /** Injects the fault; resolves with the time (ms epoch) the fault ended. */
  inject?: (api: RunnerApi) => Promise<number>;
}

export function phases(t: ScenarioTimings): Phase[] {
  return [
    { name: 'baseline', title: 'Baseline, nothing broken' },
    {
      name: 'kill-product',
      title: 'SIGKILL a product-service replica',
      needs: 'product-service',
      inject: async (api) => {
        const { target } = (await api.chaos('kill', { service: 'product-service' })) as { target: string };
        // Recovery is measured from here, so first see the kill take effect.
        await api
          .waitFor((s) => !replicaOf(s, target)?.ready, 5_000, `${target} to go down`)
          .catch(() => undefined);
        return Date.now();
      },
    },
    {
      name: 'freeze-checkout',
      title: `SIGSTOP a checkout-service replica for ${t.freezeMs / 1000} s`,
      needs: 'checkout-service',
      inject: async (api) => {
        await api.chaos('freeze', { service: 'checkout-service', seconds: t.freezeMs / 1000 });
        await sleep(t.freezeMs);
        return Date.now();
      },
    },
    {
      name: 'payment-outage',
      title: `payment-service answers 503 to every charge for ${t.paymentOutageMs / 1000} s`,
      needs: 'payment-service',
      inject: async (api) => {
        await api.chaos('faults', { service: 'payment-service', outageRate: 1 });
        await sleep(t.paymentOutageMs);
        await api.chaos('faults', { service: 'payment-service', outageRate: 0 });
        return Date.now();
      },
    },
    {
      name: 'database-restart',
      title: `PostgreSQL stopped for ${t.databaseStopMs / 1000} s, then started`,
      inject: async (api) => {
        await api.chaos('postgres-stop', { seconds: t.databaseStopMs / 1000 });
        await sleep(t.databaseStopMs);
        await api.waitFor((s) => s.postgres.state === 'running', 60_000, 'PostgreSQL to start again');
        return Date.now();
      },
    },
    {
      name: 'heal',
      title: 'Heal everything; steady state again',
      inject: async (api) => {
        await api.chaos('heal');
        return Date.now();
      },
    },
  ];
}

function replicaOf(s: RunnerStatus, id: string) {
  return s.services.flatMap((svc) => svc.replicas).find((r) => r.id === id);
}
