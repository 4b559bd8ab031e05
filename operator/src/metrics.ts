import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The operator's Prometheus metrics, in a registry of its own (two operators can share a test process). */
export class OperatorMetrics {
  readonly registry = new Registry();
  readonly scenarios = new Counter({
    name: 'chaos_operator_scenarios_total',
    help: 'Scenarios finished, by verdict',
    labelNames: ['verdict'] as const,
    registers: [this.registry],
  });
  readonly recovery = new Histogram({
    name: 'chaos_operator_recovery_time_seconds',
    help: 'Time from the end of a fault to every target replica Ready again, per step',
    labelNames: ['action'] as const,
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly reconciles = new Counter({
    name: 'chaos_operator_reconciles_total',
    help: 'Reconciles, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly forcedCleanups = new Counter({
    name: 'chaos_operator_forced_cleanups_total',
    help: 'Chaos Mesh objects whose finalizers the operator removed after the cleanup timeout',
    registers: [this.registry],
  });
  readonly watchRestarts = new Counter({
    name: 'chaos_operator_watch_restarts_total',
    help: 'ChaosScenario watches re-established: after an error, a silence, a resync, or regained leadership',
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'chaos_operator_leader',
    help: '1 while this replica holds the leader Lease',
    registers: [this.registry],
  });
}
