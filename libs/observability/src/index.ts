// Tracing (the SDK itself starts from the preload file; startTracing is for in-process tests).
export { nodePreloadArgs, tracingPreloadPath } from './tracing/preload-args';
export { traceLogContext } from './tracing/log-context';
export { consumeSpan, produceSpan, withSpan } from './tracing/spans';
export { startTracing } from './tracing/sdk';

// Metrics.
export { counter, gauge, histogram } from './metrics/registry';
export { businessMetrics } from './metrics/business-metrics';
export { eventConsumerLagGauge } from './metrics/outbox-metrics';

// Nest.
export { ObservabilityModule } from './nest/observability.module';
