export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw body, sent as is (for malformed-input tests). */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** Minimal HTTP client for black-box tests: JSON in, parsed JSON (or text) out. */
export function apiClient(baseUrl: string) {
  const request = async <T = any>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    } else if (opts.rawBody !== undefined) {
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const parsed = type.includes('json') && text ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body: parsed as T };
  };
  return {
    request,
    get: <T = any>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
    post: <T = any>(path: string, body?: unknown, opts?: RequestOptions) =>
      request<T>('POST', path, { ...opts, body }),
    patch: <T = any>(path: string, body?: unknown, opts?: RequestOptions) =>
      request<T>('PATCH', path, { ...opts, body }),
    put: <T = any>(path: string, body?: unknown, opts?: RequestOptions) =>
      request<T>('PUT', path, { ...opts, body }),
    delete: <T = any>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** Asserts the RFC 9457 shape; returns the body for further checks. */
export function expectProblem(res: ApiResponse, status: number): Record<string, unknown> {
  const type = res.headers.get('content-type') ?? '';
  if (res.status !== status || !type.startsWith('application/problem+json')) {
    throw new Error(
      `expected ${status} problem+json, got ${res.status} ${type}: ${JSON.stringify(res.body)}`,
    );
  }
  const body = res.body as Record<string, unknown>;
  if (typeof body.title !== 'string' || body.status !== status || typeof body.type !== 'string') {
    throw new Error(`malformed problem body: ${JSON.stringify(body)}`);
  }
  return body;
}
