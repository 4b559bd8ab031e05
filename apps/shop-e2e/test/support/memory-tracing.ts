// Import this FIRST in a test file (before anything that loads http, pg, fastify or Nest):
// it does what the preload does in production, with spans kept in memory for assertions.
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '@ha-shop/observability';

export const memoryExporter = new InMemorySpanExporter();
startTracing({ spanProcessors: [new SimpleSpanProcessor(memoryExporter)] });
