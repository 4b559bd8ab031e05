import { setTimeout as sleep } from 'node:timers/promises';
import { Dispatcher, Pool } from 'undici';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_METHODS } from '@ha-shop/service-kit';
import { RequestRecord } from './stats';

export interface ShopClientOptions {
  /** The shop API, e.g. http://127.0.0.1:8080/api */
  baseUrl: string;
  /**
   * Behave like a well-made client: retry idempotent requests after 502/503/504 or a
   * connection error, honouring Retry-After, within `retryBudgetMs`. Off in tests that
   * prove the edge alone hides a failure.
   */
  retryIdempotent: boolean;
  retryBudgetMs: number;
  timeoutMs: number;
  connections: number;
  /** Called once per logical request, with the phase it started in. */
  record(phase: string, r: RequestRecord): void;
  phase(): string;
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export interface CallResult<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

/** An HTTP client for the shop's public API that records what its users would have seen. */
export class ShopClient {
  private readonly pool: Pool;
  private readonly origin: string;
  private readonly prefix: string;

  constructor(private readonly opts: ShopClientOptions) {
    const url = new URL(opts.baseUrl);
    this.origin = url.origin;
    this.prefix = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(this.origin, { connections: opts.connections, keepAliveTimeout: 10_000 });
  }

  async call<T = unknown>(
    route: string,
    method: Dispatcher.HttpMethod,
    path: string,
    opts: CallOptions = {},
  ): Promise<CallResult<T>> {
    const phase = this.opts.phase();
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const idempotent = IDEMPOTENT_METHODS.has(method) || IDEMPOTENCY_KEY_HEADER in headers;
    const started = performance.now();
    const deadline = Date.now() + this.opts.retryBudgetMs;
    let attempts = 0;
    let last: { status: number; body: unknown; headers: CallResult['headers']; error?: string } = {
      status: 0,
      body: undefined,
      headers: {},
    };
    for (;;) {
      attempts += 1;
      last = await this.attempt(method, path, headers, opts.body);
      const inProgress = last.status === 409 && problemType(last.body) === 'idempotency-in-progress';
      const transient =
        last.status === 0 || last.status === 502 || last.status === 503 || last.status === 504;
      const retry = idempotent && (inProgress || (transient && this.opts.retryIdempotent));
      if (!retry || Date.now() >= deadline) break;
      await sleep(retryDelay(last.headers['retry-after'], attempts));
    }
    const latencyMs = performance.now() - started;
    const failed = last.status === 0 || last.status >= 500;
    this.opts.record(phase, {
      route,
      idempotent,
      status: last.status,
      ok: last.status >= 200 && last.status < 400,
      failed,
      latencyMs,
      attempts,
      servedBy: header(last.headers['x-served-by']),
      error: failed ? (last.error ?? problemType(last.body) ?? `HTTP ${last.status}`) : undefined,
    });
    return { status: last.status, body: last.body as T, headers: last.headers };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async attempt(
    method: Dispatcher.HttpMethod,
    path: string,
    headers: Record<string, string>,
    body: unknown,
  ) {
    try {
      const res = await this.pool.request({
        method,
        path: this.prefix + path,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: this.opts.timeoutMs,
        bodyTimeout: this.opts.timeoutMs,
      });
      const text = await res.body.text();
      let parsed: unknown = text;
      if (String(res.headers['content-type'] ?? '').includes('json') && text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          // keep the text
        }
      }
      return { status: res.statusCode, body: parsed, headers: res.headers };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { status: 0, body: undefined, headers: {}, error: e.code ?? e.message ?? 'network error' };
    }
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function problemType(body: unknown): string | undefined {
  const type = (body as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type.split('/').pop() : undefined;
}

function retryDelay(retryAfter: string | string[] | undefined, attempt: number): number {
  const seconds = Number(header(retryAfter));
  const base = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 100 * 2 ** Math.min(attempt, 4);
  return Math.min(base, 2000) * (0.75 + Math.random() * 0.5);
}
