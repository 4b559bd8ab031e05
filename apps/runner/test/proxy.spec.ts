// Over 250 lines: every forwarding rule of the edge (retry, ejection, hop-by-hop headers, deadlines) against the same fake upstreams.
import { freePorts } from '@ha-shop/os-process';
import { FastifyInstance } from 'fastify';
import { createServer, IncomingHttpHeaders, request as httpRequest, Server } from 'node:http';
import { Socket } from 'node:net';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEdge } from '../src/edge/edge';
import { classifyAttemptError } from '../src/edge/forwarded-headers';
import { EventLog } from '../src/event-log';
import { routeFor, ServiceName } from '../src/services';
import { Replica } from '../src/supervisor/replica';
import { ServicePool } from '../src/supervisor/service-pool';
import { standInReplica } from './stand-in-replica';

type Behaviour = 'ok' | 'reset' | 'hang' | 'closing' | 'error' | 'unavailable';

/** A stand-in replica: a real HTTP server whose behaviour the test switches. */
class FakeUpstream {
  behaviour: Behaviour = 'ok';
  hits = 0;
  bodies: string[] = [];
  /** Request headers as each upstream received them, in arrival order across all upstreams. */
  static received: IncomingHttpHeaders[] = [];
  private readonly sockets = new Set<Socket>();
  readonly server: Server;

  constructor(readonly name: string) {
    this.server = createServer((req, res) => {
      this.hits += 1;
      FakeUpstream.received.push(req.headers);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.bodies.push(body);
        if (this.behaviour === 'reset') return req.socket.destroy();
        if (this.behaviour === 'hang') return;
        if (this.behaviour === 'error' || this.behaviour === 'unavailable') {
          // A broken replica (500), or one whose own dependency is out (503 + Retry-After).
          const status = this.behaviour === 'error' ? 500 : 503;
          res.writeHead(status, { 'content-type': 'application/problem+json', 'retry-after': '1' });
          return res.end(JSON.stringify({ status }));
        }
        if (this.behaviour === 'closing') {
          res.writeHead(503, { connection: 'close', 'content-type': 'application/json' });
          return res.end('{"statusCode":503}');
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            upstream: this.name,
            path: req.url,
            forwardedFor: req.headers['x-forwarded-for'],
          }),
        );
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen(port: number) {
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
  }

  async close() {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

describe('edge proxy (fake upstreams)', () => {
  const events = new EventLog();
  const a = new FakeUpstream('a');
  const b = new FakeUpstream('b');
  let ra: Replica;
  let rb: Replica;
  let edge: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    const [pa, pb] = await freePorts(2);
    await a.listen(pa);
    await b.listen(pb);
    ra = standInReplica('product-service-1', 'product-service', pa, events);
    rb = standInReplica('product-service-2', 'product-service', pb, events);
    const pool = new ServicePool('product-service');
    pool.add(ra);
    pool.add(rb);
    edge = await createEdge({
      pools: new Map<ServiceName, ServicePool>([['product-service', pool]]),
      attemptTimeoutMs: 1000,
    });
    base = await edge.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await edge.close();
    await a.close();
    await b.close();
  });
  afterEach(() => {
    a.behaviour = b.behaviour = 'ok';
    for (const r of [ra, rb]) {
      r.traffic.reset();
      r.ready = true;
    }
  });

  const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: string) => {
    const res = await request(base + path, { method: method as 'GET', headers, body });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  };

  it('routes public paths with /api stripped, and replaces a client-supplied X-Forwarded-For', async () => {
    const res = await call('GET', '/api/products?limit=2', { 'x-forwarded-for': '6.6.6.6' });
    expect(res.status).toBe(200);
    expect(res.json.path).toBe('/products?limit=2');
    expect(res.json.forwardedFor).toBe('127.0.0.1');
    expect(['product-service-1', 'product-service-2']).toContain(res.headers['x-served-by']);
  });

  it('never routes internal paths, event feeds, fault switches or tricks around them', async () => {
    const before = a.hits + b.hits;
    for (const path of [
      '/api/internal/faults',
      '/api/internal/inventory/reservations',
      '/api/events',
      '/api/products/../internal/prices',
      '/api/products/%2e%2e/internal/prices',
      '/api/products/x/internal/y',
      '/api/products//internal',
      '/api/health/ready',
      '/products',
      '/internal/faults',
    ]) {
      const res = await call(path.includes('faults') ? 'PUT' : 'GET', path);
      expect(res.status, path).toBe(404);
    }
    expect(a.hits + b.hits).toBe(before);
    expect(routeFor('/analytics/kpis')).toBe('analytics-service');
    expect(routeFor('/.well-known/jwks.json')).toBe('user-service');
    expect(routeFor('/checkout')).toBe('checkout-service');
  });

  it('retries an idempotent request on the other replica when the connection fails', async () => {
    a.behaviour = 'reset';
    for (let i = 0; i < 4; i++) {
      const res = await call('GET', '/api/products');
      expect(res.status).toBe(200);
      expect(res.json.upstream).toBe('b');
    }
  });

  it('retries on the other replica when one answers 503 while shutting down', async () => {
    b.behaviour = 'closing';
    for (let i = 0; i < 4; i++) expect((await call('GET', '/api/products')).json.upstream).toBe('a');
  });

  it('retries a POST only when it carries an Idempotency-Key, with the same body', async () => {
    a.behaviour = b.behaviour = 'reset';
    const plain = await call('POST', '/api/products', { 'content-type': 'application/json' }, '{"n":1}');
    expect(plain.status).toBe(502);
    a.behaviour = 'ok';
    b.behaviour = 'reset';
    ra.traffic.reset();
    rb.traffic.reset();
    const hitsBefore = a.hits + b.hits;
    let keyed = { status: 0, json: undefined as { upstream?: string } | undefined };
    // Whichever replica is picked first, the request ends on a with the body intact.
    keyed = await call(
      'POST',
      '/api/products',
      { 'content-type': 'application/json', 'idempotency-key': 'k1' },
      '{"n":2}',
    );
    expect(keyed.status).toBe(200);
    expect(keyed.json?.upstream).toBe('a');
    expect(a.bodies.at(-1)).toBe('{"n":2}');
    expect(a.hits + b.hits - hitsBefore).toBeLessThanOrEqual(2);
  });

  it('ejects a replica after consecutive failures and answers 504 when nothing is left for a hanging request', async () => {
    b.behaviour = 'hang';
    a.behaviour = 'hang';
    const res = await call('GET', '/api/products');
    expect(res.status).toBe(504);
    a.behaviour = 'ok';
    for (let i = 0; i < 6 && !rb.ejected; i++) await call('GET', '/api/products');
    expect(rb.ejected).toBe(true);
    expect(events.since(0).some((e) => e.kind === 'ejected' && e.replica === 'product-service-2')).toBe(true);
    // Ejected: all traffic goes to a, without waiting for b's timeouts.
    for (let i = 0; i < 5; i++) expect((await call('GET', '/api/products')).json.upstream).toBe('a');
  });

  it('answers 503 with Retry-After when no replica is running', async () => {
    ra.state = rb.state = 'backoff';
    try {
      const res = await call('GET', '/api/products');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
    } finally {
      ra.state = rb.state = 'running';
    }
  });

  /** node:http, not undici: undici itself refuses to send the headers these tests are about. */
  const rawCall = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ status: number; text: string; headers: IncomingHttpHeaders }>((resolve, reject) => {
      const req = httpRequest(base + path, { method, headers, agent: false }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      });
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error('no answer')));
      if (body !== undefined && headers.expect) {
        // As curl does for bodies over 1 KB: headers first, the body once the server says continue.
        req.on('continue', () => req.end(body));
        req.flushHeaders();
      } else {
        req.end(body);
      }
    });
  const ejected = () => [ra, rb].filter((r) => r.ejected).map((r) => r.id);

  it('strips hop-by-hop headers, so no client header can fail an attempt or eject a replica', async () => {
    const from = FakeUpstream.received.length;
    const hopByHop = {
      'keep-alive': 'timeout=5, max=100',
      upgrade: 'h2c',
      te: 'trailers',
      'proxy-connection': 'keep-alive',
      connection: 'keep-alive, x-client-hop',
      'x-client-hop': 'only for the edge',
    };
    for (let i = 0; i < 8; i++) {
      const res = await rawCall('GET', '/api/products', hopByHop);
      expect(res.status, res.text).toBe(200);
    }
    const body = JSON.stringify({ note: 'x'.repeat(2048) });
    for (let i = 0; i < 4; i++) {
      const res = await rawCall(
        'POST',
        '/api/products',
        { 'content-type': 'application/json', 'content-length': String(body.length), expect: '100-continue' },
        body,
      );
      expect(res.status, res.text).toBe(200);
    }
    expect(ejected()).toEqual([]);
    const seen = FakeUpstream.received.slice(from);
    expect(seen).toHaveLength(12);
    for (const headers of seen) {
      // undici sets its own Connection for its own connection to the replica; the client's never arrives.
      expect(headers.connection ?? '').not.toContain('x-client-hop');
      for (const name of [...Object.keys(hopByHop), 'expect']) {
        if (name !== 'connection') expect(headers[name], name).toBeUndefined();
      }
    }
    expect([...a.bodies, ...b.bodies]).toContain(body);
  });

  it('drops internal headers a public client sends, and replaces the forwarding ones and the deadline', async () => {
    const from = FakeUpstream.received.length;
    const sent = Date.now();
    const res = await call('GET', '/api/products', {
      'x-on-behalf-of': 'someone-else',
      'x-internal-token': 'guess',
      'x-fault-secret': 'guess',
      // Far in the future: a replica would otherwise work long after the edge answered 504.
      'x-request-deadline': String(sent + 3_600_000),
      forwarded: 'for=6.6.6.6',
      'x-real-ip': '6.6.6.6',
      'x-forwarded-host': 'evil.example',
    });
    expect(res.status).toBe(200);
    const [headers] = FakeUpstream.received.slice(from);
    for (const name of ['x-on-behalf-of', 'x-internal-token', 'x-fault-secret', 'forwarded', 'x-real-ip'])
      expect(headers[name], name).toBeUndefined();
    // The edge's own: now + its attempt timeout for a GET (1000 ms here).
    const deadline = Number(headers['x-request-deadline']);
    expect(deadline).toBeGreaterThanOrEqual(sent + 1000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 1000);
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-host']).not.toBe('evil.example');
  });

  it('counts 5xx answers towards ejection, but not a 503 the replica chose to send', async () => {
    a.behaviour = b.behaviour = 'unavailable';
    for (let i = 0; i < 8; i++) expect((await call('GET', '/api/products')).status).toBe(503);
    expect(ejected()).toEqual([]);
    a.behaviour = 'error';
    b.behaviour = 'ok';
    for (let i = 0; i < 8 && !ra.ejected; i++) await call('GET', '/api/products');
    expect(ejected()).toEqual(['product-service-1']);
  });

  it('answers problem+json for what the edge refuses itself: oversized headers, bodies, unknown methods', async () => {
    const big = await rawCall('GET', '/api/products', { 'x-padding': 'p'.repeat(20_000) });
    expect(big.status).toBe(431);
    expect(big.headers['content-type']).toBe('application/problem+json');
    const huge = await call(
      'POST',
      '/api/products',
      { 'content-type': 'application/json' },
      'x'.repeat(1_100_000),
    );
    expect(huge.status).toBe(413);
    expect(huge.headers['content-type']).toMatch(/^application\/problem\+json/);
    const odd = await rawCall('PROPFIND', '/api/products', {});
    expect(odd.status).toBe(404);
    expect(odd.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(ejected()).toEqual([]);
  });

  it('tells a request undici refuses (the same on every replica) from a replica failure', () => {
    const refused = classifyAttemptError({
      code: 'FST_REPLY_FROM_INTERNAL_SERVER_ERROR',
      cause: { code: 'UND_ERR_NOT_SUPPORTED' },
    });
    expect(refused).toMatchObject({ kind: 'request', status: 400 });
    expect(classifyAttemptError({ code: 'ECONNRESET', cause: { code: 'ECONNRESET' } })).toMatchObject({
      kind: 'replica',
      timedOut: false,
    });
    expect(
      classifyAttemptError({
        code: 'FST_REPLY_FROM_GATEWAY_TIMEOUT',
        cause: { code: 'UND_ERR_HEADERS_TIMEOUT' },
      }),
    ).toMatchObject({ kind: 'replica', timedOut: true });
  });
});
