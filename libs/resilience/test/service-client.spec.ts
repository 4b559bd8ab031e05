import {
  Context,
  ContextManager,
  ROOT_CONTEXT,
  TextMapPropagator,
  TraceFlags,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RequestContext } from '@ha-shop/service-kit';
import { ServiceClient } from '../src';
import { isIdempotentByDefault } from '../src/service-client';
import { BREAKER_NEVER, TestServer, envFor, json, testRegistry } from './support/test-server';

const DEP = 'test→client';

/** Just enough OpenTelemetry to see that the client injects the active context (the SDK does this in services). */
class AlsContextManager implements ContextManager {
  private readonly als = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.als.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ) {
    return this.als.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.als.disable();
    return this;
  }
}

const traceparentPropagator: TextMapPropagator = {
  inject(ctx, carrier, setter) {
    const sc = trace.getSpanContext(ctx);
    if (sc) setter.set(carrier, 'traceparent', `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags}`);
  },
  extract: (ctx) => ctx,
  fields: () => ['traceparent'],
};

describe('ServiceClient', () => {
  let server: TestServer;
  let ctx: ReturnType<typeof testRegistry>;

  beforeAll(() => {
    context.setGlobalContextManager(new AlsContextManager());
    propagation.setGlobalPropagator(traceparentPropagator);
  });
  afterAll(() => {
    propagation.disable();
    context.disable();
  });

  beforeEach(async () => {
    server = await TestServer.start((req, res, body) =>
      json(res, req.method === 'POST' ? 201 : 200, {
        path: req.url,
        echo: body ? (JSON.parse(body) as unknown) : null,
      }),
    );
    ctx = testRegistry(envFor(DEP, { ...BREAKER_NEVER, retries: 1, retryBaseMs: 1, retryMaxMs: 2 }));
  });

  afterEach(async () => {
    await ctx.registry.close();
    await server.close();
  });

  it('sends JSON, identity, internal token, deadline and trace context', async () => {
    const client = new ServiceClient({
      dependency: DEP,
      baseUrl: `${server.url}/api/`,
      registry: ctx.registry,
      internalToken: 'internal-secret',
      defaultHeaders: { 'X-Caller': 'checkout' },
    });
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    };
    const deadline = Date.now() + 5_000;
    const res = await context.with(trace.setSpanContext(context.active(), spanContext), () =>
      client.request<{ path: string; echo: unknown }>({
        method: 'POST',
        path: '/orders?x=1',
        body: { sku: 'A-1', qty: 2 },
        bearerToken: 'user-jwt',
        deadline,
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ path: '/api/orders?x=1', echo: { sku: 'A-1', qty: 2 } });
    expect(res.headers['content-type']).toContain('application/json');
    const seen = server.requests[0].headers;
    expect(seen['content-type']).toBe('application/json');
    expect(seen.authorization).toBe('Bearer user-jwt');
    expect(seen['x-internal-token']).toBe('internal-secret');
    expect(seen['x-caller']).toBe('checkout');
    expect(seen['x-request-deadline']).toBe(String(deadline));
    expect(seen.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });

  it("takes the request context's deadline when earlier, and its acting user", async () => {
    const client = new ServiceClient({ dependency: DEP, baseUrl: server.url, registry: ctx.registry });
    const theirs = Date.now() + 3_000;
    await RequestContext.run({ deadline: theirs, actingFor: 'user-7' }, async () => {
      await client.request({ method: 'GET', path: '/a', deadline: theirs + 10_000 });
      await client.request({ method: 'GET', path: '/b', deadline: theirs - 1_000 });
    });
    await client.request({ method: 'GET', path: '/c' });
    const [a, b, c] = server.requests.map((r) => r.headers);
    expect([a['x-request-deadline'], b['x-request-deadline']]).toEqual([
      String(theirs),
      String(theirs - 1_000),
    ]);
    expect([a['x-on-behalf-of'], b['x-on-behalf-of']]).toEqual(['user-7', 'user-7']);
    // Outside any context: no deadline unless the call has one, and the service acts as itself.
    expect(c['x-request-deadline']).toBeUndefined();
    expect(c['x-on-behalf-of']).toBeUndefined();
  });

  it('asks a function base URL again on every attempt, so a retry can go elsewhere', async () => {
    const down = await TestServer.start((_req, res) => json(res, 503, {}));
    const urls = [down.url, server.url];
    let i = 0;
    const client = new ServiceClient({
      dependency: DEP,
      baseUrl: () => urls[i++ % 2],
      registry: ctx.registry,
    });
    const res = await client.request({ method: 'GET', path: '/p' });
    expect(res.status).toBe(200);
    expect(down.hits).toBe(1);
    expect(server.hits).toBe(1);
    await down.close();
  });

  it('returns non-JSON and empty bodies as they are', async () => {
    server.handler = (req, res) => {
      if (req.url === '/text') res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
      else res.writeHead(204).end();
    };
    const client = new ServiceClient({ dependency: DEP, baseUrl: server.url, registry: ctx.registry });
    expect((await client.request({ method: 'GET', path: '/text' })).body).toBe('hello');
    expect(await client.request({ method: 'DELETE', path: '/thing' })).toMatchObject({
      status: 204,
      body: undefined,
    });
  });

  it('refuses requests after close', async () => {
    const client = new ServiceClient({ dependency: DEP, baseUrl: server.url, registry: ctx.registry });
    await client.close();
    await expect(client.request({ method: 'GET', path: '/' })).rejects.toThrow(/closed/);
  });

  it('decides idempotency by method and Idempotency-Key', () => {
    expect(isIdempotentByDefault('GET')).toBe(true);
    expect(isIdempotentByDefault('PUT')).toBe(true);
    expect(isIdempotentByDefault('DELETE')).toBe(true);
    expect(isIdempotentByDefault('POST')).toBe(false);
    expect(isIdempotentByDefault('PATCH')).toBe(false);
    expect(isIdempotentByDefault('POST', { 'idempotency-key': 'k' })).toBe(true);
  });
});
