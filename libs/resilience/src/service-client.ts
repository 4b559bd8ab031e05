import { context, propagation } from '@opentelemetry/api';
import {
  DEADLINE_HEADER,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_METHODS,
  RequestContext,
} from '@ha-shop/service-kit';
import { Pool } from 'undici';
import type { DependencyPolicy } from './dependency-policy';
import { DependencyUnavailableError, UpstreamResponseError } from './errors';
import type { PolicyRegistry } from './policy-registry';
import { parseRetryAfter } from './signals';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ServiceRequest {
  method: HttpMethod;
  /** Path (and query) below the base URL, starting with '/'. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Default: true for GET/HEAD/PUT/DELETE, false for POST/PATCH unless an Idempotency-Key header is present. */
  idempotent?: boolean;
  /** Caller's identity forwarded as Authorization. */
  bearerToken?: string;
  /**
   * Absolute epoch ms; never wait past it, nor past the request context's deadline; the earlier
   * one is sent downstream as header `x-request-deadline`.
   */
  deadline?: number;
  signal?: AbortSignal;
}

export interface ServiceResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface ServiceClientOptions {
  /** Policy name, e.g. 'checkout→product' (see DEFAULT_POLICIES). */
  dependency: string;
  /** Base URL (may include a path prefix); a function is asked again on every attempt, so a retry can go elsewhere. */
  baseUrl: string | (() => string);
  registry: PolicyRegistry;
  /** Sent as x-internal-token for @InternalOnly() routes. */
  internalToken?: string;
  defaultHeaders?: Record<string, string>;
}

/**
 * The HTTP client between services. Every request runs under its dependency's shared
 * policy. How answers are treated:
 * - 2xx/3xx and 4xx are returned as responses: a 4xx is the caller's problem, not the
 *   dependency's, so it neither trips the breaker nor is retried;
 * - 5xx and network errors are breaker failures and are retried when idempotent; when
 *   retries are over the caller gets DependencyUnavailableError (reason 'failed');
 * - 503 and 429 with Retry-After: a retry waits at least that long, and only if that fits
 *   the deadline; a 429 that is not retried is returned as a response.
 * The request context (service-kit's RequestContext) bounds the deadline and names the user
 * the call is made for (x-on-behalf-of).
 */
export class ServiceClient {
  private readonly pools = new Map<string, Pool>();
  private readonly policy: DependencyPolicy;
  private closed = false;

  constructor(private readonly options: ServiceClientOptions) {
    this.policy = options.registry.get(options.dependency);
    options.registry.track(this);
  }

  get dependency(): string {
    return this.options.dependency;
  }

  async request<T = unknown>(req: ServiceRequest): Promise<ServiceResponse<T>> {
    if (this.closed) throw new Error(`ServiceClient for ${this.options.dependency} is closed`);
    if (!req.path.startsWith('/')) throw new TypeError(`path must start with '/': ${req.path}`);
    const idempotent = req.idempotent ?? isIdempotentByDefault(req.method, req.headers);
    req = {
      ...req,
      headers: { ...RequestContext.onBehalfOfHeaders(), ...req.headers },
      deadline: RequestContext.deadline(req.deadline),
    };
    try {
      return await this.policy.execute((signal) => this.send<T>(req, signal), {
        idempotent,
        signal: req.signal,
        deadline: req.deadline,
        method: req.method,
        outcome: (res) => (res.status >= 400 ? 'client_error' : 'success'),
      });
    } catch (err) {
      // A 429 we did not (or could no longer) retry is still just a 4xx answer.
      if (
        err instanceof DependencyUnavailableError &&
        err.cause instanceof UpstreamResponseError &&
        err.cause.status < 500
      ) {
        const { status, headers, body } = err.cause;
        return { status, headers, body: body as T };
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.options.registry.untrack(this);
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((p) => p.close()));
  }

  private async send<T>(req: ServiceRequest, signal: AbortSignal): Promise<ServiceResponse<T>> {
    const base = new URL(
      typeof this.options.baseUrl === 'function' ? this.options.baseUrl() : this.options.baseUrl,
    );
    const headers = this.headersFor(req);
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await this.pool(base.origin).request({
      method: req.method,
      path: base.pathname.replace(/\/+$/, '') + req.path,
      headers,
      body,
      signal,
    });
    // Always drain the body (inside the timeout): an unread body pins the connection.
    const text = await res.body.text();
    const parsed = parseBody(text, res.headers['content-type']);
    const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
    if (res.statusCode >= 500 || (res.statusCode === 429 && retryAfterMs !== undefined)) {
      throw new UpstreamResponseError(res.statusCode, res.headers, parsed, retryAfterMs);
    }
    return { status: res.statusCode, headers: res.headers, body: parsed as T };
  }

  private headersFor(req: ServiceRequest): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [k, v] of Object.entries({ ...this.options.defaultHeaders, ...req.headers }))
      headers[k.toLowerCase()] = v;
    if (req.bearerToken) headers.authorization = `Bearer ${req.bearerToken}`;
    if (this.options.internalToken) headers['x-internal-token'] = this.options.internalToken;
    if (req.deadline !== undefined) headers[DEADLINE_HEADER] = String(Math.floor(req.deadline));
    // W3C traceparent/tracestate of the active span (a no-op until an OpenTelemetry SDK is registered).
    propagation.inject(context.active(), headers);
    return headers;
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      // As many sockets as the bulkhead lets attempts through, so requests never queue twice.
      pool = new Pool(origin, { connections: this.policy.config.bulkheadLimit, keepAliveTimeout: 4_000 });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

export function isIdempotentByDefault(method: string, headers?: Record<string, string>): boolean {
  if (IDEMPOTENT_METHODS.has(method.toUpperCase())) return true;
  return Object.keys(headers ?? {}).some((k) => k.toLowerCase() === IDEMPOTENCY_KEY_HEADER);
}

function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text === '') return undefined;
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  if (type && /[/+]json\b/i.test(type)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
