import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface Tls {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface Response<T = unknown> {
  status: number;
  text: string;
  json: T;
}

/**
 * The few API calls the harness itself needs (readiness, Node objects). Plain
 * node:https so the harness has no runtime dependencies and can run before a
 * client library has loaded the kubeconfig.
 */
export class KubeApi {
  private readonly ca?: Buffer;
  private readonly cert?: Buffer;
  private readonly key?: Buffer;

  constructor(
    readonly server: string,
    tls: Tls,
  ) {
    this.ca = tls.ca ? readFileSync(tls.ca) : undefined;
    this.cert = tls.cert ? readFileSync(tls.cert) : undefined;
    this.key = tls.key ? readFileSync(tls.key) : undefined;
  }

  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = 5_000,
  ): Promise<Response<T>> {
    const url = new URL(path, this.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
      const req = send(
        url,
        {
          method,
          ca: this.ca,
          cert: this.cert,
          key: this.key,
          // Component health endpoints use self-signed serving certs.
          rejectUnauthorized: this.ca !== undefined,
          headers: {
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json' } : {}),
          },
          timeout: timeoutMs,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            let json: unknown = undefined;
            try {
              json = JSON.parse(text);
            } catch {
              // Health endpoints answer in plain text.
            }
            resolve({ status: res.statusCode ?? 0, text, json: json as T });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.href} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** Polls `check` until it returns a value other than undefined/false, or throws on timeout. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs?: number; intervalMs?: number; onPoll?: () => void } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let lastError: unknown;
  for (;;) {
    opts.onPoll?.();
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}
