import { FastifyInstance } from 'fastify';
import { routeFor, ServiceName } from '../services';
import { ServicePool } from '../supervisor/service-pool';
import { createProxyServer } from './proxy';

export interface EdgeOptions {
  pools: ReadonlyMap<ServiceName, ServicePool>;
  attemptTimeoutMs: number;
}

/**
 * The public entry point (like an ingress): `/api/<public path>` goes to the ready
 * replicas of the owning service with `/api` stripped. Nothing else is routed.
 */
export function createEdge(opts: EdgeOptions): Promise<FastifyInstance> {
  return createProxyServer({
    attemptTimeoutMs: opts.attemptTimeoutMs,
    publicTraffic: true,
    resolve: (path) => {
      if (!path.startsWith('/api/')) return undefined;
      const upstreamPath = path.slice('/api'.length);
      const service = routeFor(upstreamPath);
      const pool = service && opts.pools.get(service);
      return pool ? { pool, path: upstreamPath } : undefined;
    },
    extraRoutes: (app) => {
      app.get('/', async () => ({
        name: 'ha-shop edge',
        api: '/api',
        services: [...opts.pools.values()].map((p) => ({ name: p.name, readyReplicas: p.readyCount })),
      }));
    },
  });
}

/**
 * A service's own stable address for other services (what a Kubernetes Service is):
 * every path, internal ones included, to that service's ready replicas. Loopback only.
 */
export function createServiceAddress(pool: ServicePool, attemptTimeoutMs: number): Promise<FastifyInstance> {
  return createProxyServer({ attemptTimeoutMs, resolve: (path) => ({ pool, path }) });
}
