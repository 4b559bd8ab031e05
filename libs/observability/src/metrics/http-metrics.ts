import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { counter, gauge, histogram } from './registry';

export const HTTP_SERVER_DURATION = 'http_server_request_duration_seconds';

/** Route label of requests no route matched: raw URLs would make the label unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Includes 0.5 s, the latency SLO threshold, so the SLO is computed from exact bucket counts. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Probes and scrapes are not user traffic: counting them would inflate availability and drown latency. */
const UNMEASURED_ROUTE = /^\/(health|metrics)(\/|$)/;
const READINESS_ROUTE = '/health/ready';

export function httpServerDuration() {
  return histogram(
    HTTP_SERVER_DURATION,
    'Duration of HTTP requests served, by method, route template and status code',
    ['method', 'route', 'status_code'],
    HTTP_DURATION_BUCKETS,
  );
}

const INSTALLED = Symbol.for('ha-shop.observability.http-metrics');

/**
 * Observes every response of a Fastify instance. The route label is the route template
 * (`/products/:slug`), never the raw URL, so its cardinality is the number of routes.
 */
export function installHttpMetrics(fastify: FastifyInstance): void {
  const holder = fastify as unknown as Record<symbol, boolean>;
  if (holder[INSTALLED]) return;
  holder[INSTALLED] = true;
  const metric = httpServerDuration();
  const readiness = readinessTracker();
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const route = routeTemplate(request);
    if (route === READINESS_ROUTE) {
      readiness(reply.statusCode === 200);
    } else if (!UNMEASURED_ROUTE.test(route)) {
      metric.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    }
    done();
  });
}

/**
 * `service_readiness` (last probe result) and `service_readiness_transitions_total`, fed by
 * the answers to the readiness probe itself: a counter catches flapping that happens
 * between two scrapes, which sampling the gauge would miss.
 */
function readinessTracker(): (ready: boolean) => void {
  const state = gauge(
    'service_readiness',
    'Result of the last readiness probe answered (1 ready, 0 not ready)',
  );
  const transitions = counter('service_readiness_transitions_total', 'Changes of the readiness probe result');
  transitions.inc(0);
  let last: boolean | undefined;
  return (ready) => {
    if (last !== undefined && last !== ready) transitions.inc();
    last = ready;
    state.set(ready ? 1 : 0);
  };
}

export function routeTemplate(request: FastifyRequest): string {
  const url = request.routeOptions?.url;
  return typeof url === 'string' && url !== '' ? url : UNMATCHED_ROUTE;
}
