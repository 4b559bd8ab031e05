import {
  DependencyUnavailableError,
  PolicyRegistry,
  ServiceClient,
  type HttpMethod,
  type ServiceResponse,
} from '@ha-shop/resilience';

/** The shop's API through the edge; the runner sets it (`make demo`), a deployment sets it too. */
export const API_BASE_URL = process.env.API_BASE_URL ?? 'http://127.0.0.1:8080/api';

/** Which service owns a call: each gets its own breaker, so a product outage never blocks checkout. */
export type Backend = 'product' | 'user' | 'checkout' | 'analytics';

interface BffState {
  registry: PolicyRegistry;
  clients: Map<Backend, ServiceClient>;
}

// One registry per server process (kept on globalThis because Next may load this module in
// several bundles): a breaker only works if every request shares it.
const globalState = globalThis as typeof globalThis & { __haShopBff?: BffState };

function state(): BffState {
  globalState.__haShopBff ??= { registry: new PolicyRegistry(), clients: new Map() };
  return globalState.__haShopBff;
}

function client(backend: Backend): ServiceClient {
  const s = state();
  let c = s.clients.get(backend);
  if (!c) {
    // `storefront→api#<backend>` takes the `storefront→api` settings with a breaker of its own.
    c = new ServiceClient({
      dependency: `storefront→api#${backend}`,
      baseUrl: API_BASE_URL,
      registry: s.registry,
    });
    s.clients.set(backend, c);
  }
  return c;
}

export interface ApiCall {
  method?: HttpMethod;
  path: string;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Absolute epoch ms: a page must render (maybe degraded) rather than wait on a slow service. */
  deadline?: number;
}

export type ApiResult<T> =
  | { ok: true; status: number; body: T; headers: ServiceResponse<T>['headers'] }
  | { ok: false; status: number; body: unknown; headers: ServiceResponse<T>['headers'] }
  | { ok: false; status: 503; unavailable: true; retryAfterSeconds?: number; body?: undefined };

export type Unavailable = Extract<ApiResult<unknown>, { unavailable: true }>;

export function isUnavailable<T>(r: ApiResult<T>): r is Extract<ApiResult<T>, { unavailable: true }> {
  return 'unavailable' in r;
}

/**
 * Every server-side call to the shop goes through here, under the shared resilience policy
 * `storefront→api`. 4xx answers come back as results; outages (5xx after retries, timeouts,
 * an open breaker) come back as `unavailable`, never as exceptions a page would crash on.
 */
export async function api<T>(backend: Backend, call: ApiCall): Promise<ApiResult<T>> {
  try {
    const res = await client(backend).request<T>({
      method: call.method ?? 'GET',
      path: call.path,
      body: call.body,
      bearerToken: call.token,
      headers: call.headers,
      deadline: call.deadline,
    });
    if (res.status < 400) return { ok: true, status: res.status, body: res.body, headers: res.headers };
    return { ok: false, status: res.status, body: res.body, headers: res.headers };
  } catch (err) {
    if (err instanceof DependencyUnavailableError) {
      const retryAfterMs = err.retryAfterMs;
      return {
        ok: false,
        status: 503,
        unavailable: true,
        retryAfterSeconds: retryAfterMs ? Math.ceil(retryAfterMs / 1000) : undefined,
      };
    }
    throw err;
  }
}

/** Breaker states of the storefront's own dependencies (shown on /architecture). */
export function storefrontBreakers() {
  return state().registry.states();
}

/** The `detail` of a problem+json answer, for messages shown to the customer. */
export function problemDetail(body: unknown, fallback: string): string {
  if (body && typeof body === 'object' && 'detail' in body && typeof body.detail === 'string')
    return body.detail;
  return fallback;
}

export function problemType(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'type' in body && typeof body.type === 'string')
    return body.type.split('/').pop();
  return undefined;
}
