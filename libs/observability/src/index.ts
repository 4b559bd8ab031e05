// Tracing (the SDK itself starts from the preload file, never from here).
export { nodePreloadArgs, tracingPreloadPath } from './tracing/preload-args';
export { traceLogContext } from './tracing/log-context';
export { consumeSpan, withSpan, OUTBOX_MESSAGING_SYSTEM } from './tracing/spans';
export type { TracedEvent } from './tracing/spans';
export { flushTraces } from './tracing/flush';

// Metrics.
export { singleton, counter, gauge, histogram, ensureDefaultMetrics } from './metrics/registry';
export {
  httpServerDuration,
  installHttpMetrics,
  routeTemplate,
  HTTP_SERVER_DURATION,
  HTTP_DURATION_BUCKETS,
  UNMATCHED_ROUTE,
} from './metrics/http-metrics';
export {
  businessMetrics,
  initBusinessMetrics,
  BUSINESS_COUNTERS_BY_SERVICE,
  ORDER_STATUSES,
  PAYMENT_OUTCOMES,
} from './metrics/business-metrics';
export type { BusinessMetrics, OrderStatusLabel, PaymentOutcome } from './metrics/business-metrics';
export { registerDbPool, pgPoolOf } from './metrics/db-pool-metrics';
export type { PgPoolLike } from './metrics/db-pool-metrics';
export { registerOutbox, eventConsumerMetrics, eventConsumerLagGauge } from './metrics/outbox-metrics';
export type { OutboxHeadSource } from './metrics/outbox-metrics';

// Nest.
export { ObservabilityModule } from './nest/observability.module';
export { ObservabilityService, OBSERVABILITY_OPTIONS } from './nest/observability.service';
export type { ObservabilityOptions } from './nest/observability.service';
export { MetricsController } from './nest/metrics.controller';
