import { Agent, request } from 'undici';

/**
 * Probes use their own small agent, so a frozen replica's hung probe never takes
 * a connection the edge would otherwise use.
 */
const probeAgent = new Agent({ connections: 4, keepAliveTimeout: 5_000, connect: { timeout: 1_000 } });

export type ProbeResult = { ok: true; status: number } | { ok: false; status?: number; error: string };

/** GET `url` within `timeoutMs`: ok on a 2xx answer. */
export async function probe(url: string, timeoutMs: number): Promise<ProbeResult> {
  try {
    const res = await request(url, {
      dispatcher: probeAgent,
      method: 'GET',
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body.dump();
    return res.statusCode >= 200 && res.statusCode < 300
      ? { ok: true, status: res.statusCode }
      : { ok: false, status: res.statusCode, error: `HTTP ${res.statusCode}` };
  } catch (err) {
    const e = err as { code?: unknown; name?: string; message?: string };
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      return { ok: false, error: `no answer within ${timeoutMs} ms` };
    return { ok: false, error: typeof e.code === 'string' ? e.code : (e.message ?? 'error') };
  }
}

export async function closeProbes(): Promise<void> {
  await probeAgent.close();
}
