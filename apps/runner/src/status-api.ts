import Fastify, { FastifyInstance, FastifyReply } from 'fastify';
import { runnerMetrics } from './autoscaler/runner-metrics';
import { Chaos, ChaosError, FaultRequest } from './chaos/chaos-actions';
import { Runner } from './runner';

const SERVICE = { type: 'string', pattern: '^[a-z0-9-]{1,40}$' } as const;
const REPLICA = { type: 'integer', minimum: 1, maximum: 64 } as const;
const SECONDS = { type: 'number', minimum: 0.1, maximum: 600 } as const;

/** What `/status` reports: the shape tests and the architecture dashboard read. */
export function runnerStatus(runner: Runner) {
  const cfg = runner.config;
  return {
    phase: runner.phase,
    startedAt: new Date(runner.startedAt).toISOString(),
    readyAt: runner.readyAt ? new Date(runner.readyAt).toISOString() : null,
    uptimeSeconds: Math.round((Date.now() - runner.startedAt) / 1000),
    urls: {
      edge: runner.edgeUrl || null,
      api: runner.edgeUrl ? `${runner.edgeUrl}/api` : null,
      status: `http://${cfg.host}:${cfg.statusPort}`,
      storefront: runner.storefront?.url ?? null,
      prometheus: runner.observability.prometheus?.url ?? null,
      jaeger: runner.observability.jaeger?.url ?? null,
      metrics: `http://${cfg.host}:${cfg.statusPort}/metrics`,
    },
    prometheus: runner.observability.prometheus?.snapshot() ?? null,
    jaeger: runner.observability.jaeger?.snapshot() ?? null,
    /** Pending and firing alerts from Prometheus' rule evaluation (no Alertmanager here). */
    alerts: runner.observability.prometheus?.alerts.current() ?? [],
    notes: runner.observability.notes,
    autoscaler: runner.autoscaler
      ? {
          targetInflightPerReplica: runner.autoscaler.opts.targetInflight,
          scaleDownWindowSeconds: runner.autoscaler.opts.scaleDownWindowMs / 1000,
        }
      : null,
    postgres: runner.postgres.snapshot(),
    services: [
      ...[...runner.pools.values()].map((pool) => ({
        name: pool.name,
        state: 'running' as const,
        address: runner.serviceUrls.get(pool.name as never) ?? null,
        replicasReady: pool.readyCount,
        replicasDesired: runner.autoscaler?.view(pool.name)?.desired ?? pool.active.length,
        autoscale: runner.autoscaler?.view(pool.name) ?? null,
        faults: runner.faults.get(pool.name as never) ?? {},
        replicas: pool.replicas.map((r) => ({ ...r.snapshot(), draining: pool.isDraining(r) })),
      })),
      ...runner.skipped.map((s) => ({
        name: s.name,
        state: 'skipped' as const,
        reason: s.reason,
        replicas: [],
      })),
    ],
    storefront: runner.storefront?.replica
      ? { ...runner.storefront.replica.snapshot(), draining: false }
      : null,
  };
}

/**
 * The runner's own API on 127.0.0.1 (never through the edge): status, recent events
 * (JSON or SSE), and chaos actions. Chaos takes JSON bodies only and checks the Host
 * header, so a web page cannot trigger it through the browser.
 */
export async function createStatusApi(runner: Runner, chaos: Chaos): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 16 * 1024 });
  app.removeContentTypeParser('text/plain');
  const allowedHost = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;
  app.addHook('onRequest', async (request, reply) => {
    if (!allowedHost.test(request.headers.host ?? ''))
      return reply.code(403).send({ error: 'loopback host names only' });
    // Read-only views may be fetched by a dashboard page on another local port.
    if (request.method === 'GET') void reply.header('access-control-allow-origin', '*');
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err instanceof ChaosError ? err.status : (err.statusCode ?? 500);
    void reply.code(status).send({ error: err.message });
  });

  app.get('/status', async () => runnerStatus(runner));

  const metrics = runnerMetrics(runner.pools, () => runner.autoscaler);
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.metrics();
    return reply.type(metrics.contentType).send(text);
  });
  app.get('/alerts', async () => ({ alerts: runner.observability.prometheus?.alerts.current() ?? [] }));

  app.get<{ Querystring: { after?: number; limit?: number } }>(
    '/events',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 500 },
          },
        },
      },
    },
    async (request, reply) => {
      const after = request.query.after ?? 0;
      if (!String(request.headers.accept ?? '').includes('text/event-stream')) {
        return { events: runner.events.since(after, request.query.limit ?? 200) };
      }
      return streamEvents(runner, reply, after);
    },
  );

  const body = (properties: Record<string, unknown>, required: string[] = []) => ({
    schema: { body: { type: 'object', additionalProperties: false, required, properties } },
  });

  app.post<{ Body: { service: string; replica?: number } }>(
    '/chaos/kill',
    body({ service: SERVICE, replica: REPLICA }, ['service']),
    async (req) => chaos.kill(req.body.service, req.body.replica),
  );
  app.post<{ Body: { service: string; replica?: number; seconds?: number } }>(
    '/chaos/freeze',
    body({ service: SERVICE, replica: REPLICA, seconds: SECONDS }, ['service']),
    async (req) => chaos.freeze(req.body.service, req.body.seconds ?? 5, req.body.replica),
  );
  app.post<{ Body: { seconds?: number } }>('/chaos/postgres-stop', body({ seconds: SECONDS }), async (req) =>
    chaos.stopPostgres(req.body.seconds ?? 5),
  );
  app.post<{ Body: FaultRequest & { service: string } }>(
    '/chaos/faults',
    body(
      {
        service: SERVICE,
        latencyMs: { type: 'integer', minimum: 0, maximum: 60_000 },
        errorRate: { type: 'number', minimum: 0, maximum: 1 },
        declineRate: { type: 'number', minimum: 0, maximum: 1 },
        outageRate: { type: 'number', minimum: 0, maximum: 1 },
      },
      ['service'],
    ),
    async (req) => {
      const { service, ...faults } = req.body;
      return chaos.faults(service, faults);
    },
  );
  app.post('/chaos/heal', async () => chaos.heal());
  return app;
}

function streamEvents(runner: Runner, reply: FastifyReply, after: number): FastifyReply {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'access-control-allow-origin': '*',
  });
  const send = (e: { seq: number }) =>
    raw.write(`id: ${e.seq}\nevent: runner\ndata: ${JSON.stringify(e)}\n\n`);
  for (const e of runner.events.since(after)) send(e);
  const unsubscribe = runner.events.subscribe(send);
  const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
  raw.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
  return reply;
}
