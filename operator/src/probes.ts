import { ChaosScenario, durationMs, evaluatePromql, ProbeOutcome, ProbeSpec } from '@ha-shop/chaos-scenario';
import { errorText, Kube } from './kube';
import { readyReplicas } from './targets';

const DEFAULT_TIMEOUT_MS = 2_000;

/** Runs one steady-state probe; never throws, a failure is an outcome. */
export async function runProbe(kube: Kube, scenario: ChaosScenario, probe: ProbeSpec): Promise<ProbeOutcome> {
  const timeoutMs = durationMs(probe.timeout, DEFAULT_TIMEOUT_MS);
  try {
    const { ok, message } = await Promise.race([
      check(kube, scenario, probe, timeoutMs),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs + 100).unref(),
      ),
    ]);
    return { name: probe.name, ok, message };
  } catch (err) {
    return { name: probe.name, ok: false, message: errorText(err) };
  }
}

async function check(kube: Kube, scenario: ChaosScenario, probe: ProbeSpec, timeoutMs: number) {
  switch (probe.type) {
    case 'http': {
      const http = probe.http as NonNullable<ProbeSpec['http']>;
      const res = await fetch(http.url, {
        method: http.method ?? 'GET',
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel();
      const expected = http.expectedStatus ?? [200];
      return { ok: expected.includes(res.status), message: `HTTP ${res.status}` };
    }
    case 'promql': {
      const q = probe.promql as NonNullable<ProbeSpec['promql']>;
      const url = new URL('api/v1/query', q.url.endsWith('/') ? q.url : `${q.url}/`);
      url.searchParams.set('query', q.query);
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      return evaluatePromql(await res.json().catch(() => ({})), q.comparator, q.threshold);
    }
    case 'k8s': {
      const k = probe.k8s as NonNullable<ProbeSpec['k8s']>;
      const w = await readyReplicas(kube, k.kind, k.namespace ?? scenario.spec.target.namespace, k.name);
      if (!w) return { ok: false, message: `${k.kind} ${k.name} not found` };
      return {
        ok: w.ready >= k.minReadyReplicas,
        message: `${w.ready} ready, want >= ${k.minReadyReplicas}`,
      };
    }
  }
}
