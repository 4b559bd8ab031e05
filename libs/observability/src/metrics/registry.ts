import { collectDefaultMetrics, Counter, Gauge, Histogram, register, Registry } from 'prom-client';

/**
 * Metrics live on prom-client's default registry, shared with libs/resilience. A process
 * normally runs one service; tests boot several in one process, so every metric is created
 * through these helpers, which return the existing metric instead of throwing
 * "already registered".
 */
export function singleton<M>(name: string, create: () => M, registry: Registry = register): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

export function counter<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  registry: Registry = register,
): Counter<L> {
  return singleton(name, () => new Counter<L>({ name, help, labelNames, registers: [registry] }), registry);
}

export function gauge<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  registry: Registry = register,
): Gauge<L> {
  return singleton(name, () => new Gauge<L>({ name, help, labelNames, registers: [registry] }), registry);
}

export function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[],
  registry: Registry = register,
): Histogram<L> {
  return singleton(
    name,
    () => new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] }),
    registry,
  );
}

const withDefaults = new WeakSet<Registry>();

/** Node process metrics (CPU, memory, event loop lag, GC, handles), once per registry. */
export function ensureDefaultMetrics(registry: Registry = register): void {
  if (withDefaults.has(registry)) return;
  withDefaults.add(registry);
  // Another copy of this code (or of prom-client's caller) may have registered them already.
  if (registry.getSingleMetric('process_cpu_user_seconds_total')) return;
  collectDefaultMetrics({ register: registry });
}

export { register as defaultRegistry };
