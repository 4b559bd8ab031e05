import { Gauge, Registry } from 'prom-client';
import { ServicePool } from '../supervisor/service-pool';
import { Autoscaler } from './autoscaler';

/**
 * The runner's own /metrics (on the status API, scraped by the demo's Prometheus): per
 * service what the autoscaler wants, what is ready and what is in flight, read at scrape
 * time so a graph of load, replicas and latency can sit side by side.
 */
export function runnerMetrics(
  pools: ReadonlyMap<string, ServicePool>,
  autoscaler: () => Autoscaler | undefined,
) {
  const registry = new Registry();
  const perService = (name: string, help: string, value: (pool: ServicePool) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['service'],
      registers: [registry],
      collect() {
        this.reset();
        for (const pool of pools.values()) this.set({ service: pool.name }, value(pool));
      },
    });
  perService(
    'runner_desired_replicas',
    'Replicas the autoscaler wants (the configured count when it is off)',
    (pool) => autoscaler()?.view(pool.name)?.desired ?? pool.active.length,
  );
  perService(
    'runner_ready_replicas',
    'Replicas that take traffic (running, ready, not ejected)',
    (pool) => pool.active.filter((r) => r.routable).length,
  );
  perService(
    'runner_replicas',
    'Replicas that exist, starting and restarting ones included',
    (pool) => pool.active.length,
  );
  perService('runner_inflight_requests', 'Requests the edge and service addresses have in flight', (pool) =>
    pool.replicas.reduce((sum, r) => sum + r.inflight, 0),
  );
  perService(
    'runner_autoscaler_observed_inflight',
    'Average in-flight requests per ready replica the autoscaler last acted on',
    (pool) => autoscaler()?.view(pool.name)?.observed ?? 0,
  );
  new Gauge({
    name: 'runner_autoscaler_target_inflight',
    help: 'Target average in-flight requests per ready replica',
    registers: [registry],
    collect() {
      const a = autoscaler();
      if (a) this.set(a.opts.targetInflight);
    },
  });
  return registry;
}
