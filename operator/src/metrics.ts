import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The operator's Prometheus metrics, in a registry of its own (two operators can share a test process). */
export class OperatorMetrics {
  readonly registry = new Registry();
  readonly scenarios = this.counter('chaos_operator_scenarios_total', 'Scenarios finished, by verdict', [
    'verdict',
  ]);
  readonly recovery = new Histogram({
    name: 'chaos_operator_recovery_time_seconds',
    help: 'Time from the end of a fault to every target replica Ready again, per step',
    labelNames: ['action'] as const,
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly reconciles = this.counter('chaos_operator_reconciles_total', 'Reconciles, by result', ['result']);
  readonly forcedCleanups = this.counter(
    'chaos_operator_forced_cleanups_total',
    'Chaos Mesh objects whose finalizers the operator removed after the cleanup timeout',
  );
  readonly watchRestarts = this.counter(
    'chaos_operator_watch_restarts_total',
    'ChaosScenario watches re-established: after an error, a silence, a resync, or regained leadership',
  );
  readonly leader = new Gauge({
    name: 'chaos_operator_leader',
    help: '1 while this replica holds the leader Lease',
    registers: [this.registry],
  });

  private counter<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
  ): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}
