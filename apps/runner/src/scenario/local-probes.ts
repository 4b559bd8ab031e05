import { durationMs, ProbeOutcome, ProbeSpec } from '@ha-shop/chaos-scenario';
import { Agent, request } from 'undici';
import { localUrl, serviceByName } from './local-targets';
import { RunnerStatus } from './runner-api';

const DEFAULT_TIMEOUT_MS = 2_000;

/** A steady-state probe as it runs here, or why it cannot. */
export type LocalProbe =
  | { probe: ProbeSpec; local: string; run: (status: RunnerStatus) => Promise<ProbeOutcome> }
  | { probe: ProbeSpec; skipped: string };

/**
 * Probes get their own small pool: a frozen replica's hung answer must not
 * hold a connection the next probe needs.
 */
const agent = new Agent({ connections: 8, keepAliveTimeout: 2_000, connect: { timeout: 1_000 } });

/** Maps a probe to this machine once, from the runner status at the start. */
export function localProbe(probe: ProbeSpec, status: RunnerStatus): LocalProbe {
  const timeoutMs = durationMs(probe.timeout, DEFAULT_TIMEOUT_MS);
  switch (probe.type) {
    case 'http': {
      const http = probe.http as NonNullable<ProbeSpec['http']>;
      const url = localUrl(http.url, status);
      if (!url) return { probe, skipped: `${http.url} has no local equivalent` };
      const expected = http.expectedStatus ?? [200];
      return {
        probe,
        local: `${http.method ?? 'GET'} ${url}`,
        run: () => httpCheck(probe.name, url, http.method ?? 'GET', expected, timeoutMs),
      };
    }
    case 'k8s': {
      const k = probe.k8s as NonNullable<ProbeSpec['k8s']>;
      const service = serviceByName(
        k.name,
        status.services.map((s) => s.name),
      );
      if (!service) return { probe, skipped: `${k.kind} ${k.name} is not one of the runner's services` };
      return {
        probe,
        local: `ready replicas of ${service} >= ${k.minReadyReplicas}`,
        run: async (s) => {
          const svc = s.services.find((x) => x.name === service);
          const ready = svc?.replicas.filter((r) => r.ready && r.state === 'running').length ?? 0;
          return {
            name: probe.name,
            ok: ready >= k.minReadyReplicas,
            message: `${ready} ready, want >= ${k.minReadyReplicas}`,
          };
        },
      };
    }
    case 'promql':
      // The cluster's queries read kube-prometheus-stack recording rules the runner's Prometheus does not have.
      return { probe, skipped: 'PromQL probes read the cluster Prometheus; skipped on one machine' };
  }
}

async function httpCheck(
  name: string,
  url: string,
  method: 'GET' | 'HEAD' | 'POST',
  expected: number[],
  timeoutMs: number,
): Promise<ProbeOutcome> {
  try {
    const res = await request(url, {
      dispatcher: agent,
      method,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body.dump();
    return { name, ok: expected.includes(res.statusCode), message: `HTTP ${res.statusCode}` };
  } catch (err) {
    const e = err as { name?: string; code?: unknown; message?: string };
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      return { name, ok: false, message: `no answer within ${timeoutMs} ms` };
    return { name, ok: false, message: typeof e.code === 'string' ? e.code : (e.message ?? 'error') };
  }
}

export async function closeLocalProbes(): Promise<void> {
  await agent.close();
}
