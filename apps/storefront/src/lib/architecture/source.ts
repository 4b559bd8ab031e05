import { RunnerSource } from './runner-source';
import type { ArchitectureSource } from './snapshot';

export class SourceNotAvailable extends Error {}

/**
 * The dashboard's data source, by configuration: `runner` (one machine: the runner's status
 * API, plus Prometheus) is the only one implemented; `kubernetes` (the Kubernetes API plus
 * kube-prometheus-stack) is not written yet and says so instead of pretending.
 */
export function architectureSource(
  env: Record<string, string | undefined> = process.env,
): ArchitectureSource {
  const kind = env.ARCHITECTURE_SOURCE ?? 'runner';
  if (kind === 'runner') {
    return new RunnerSource(
      env.RUNNER_STATUS_URL ?? 'http://127.0.0.1:8079',
      env.PROMETHEUS_URL || undefined,
    );
  }
  throw new SourceNotAvailable(
    kind === 'kubernetes'
      ? 'the kubernetes source is not implemented yet (see docs/storefront.md)'
      : `unknown ARCHITECTURE_SOURCE "${kind}" (use "runner")`,
  );
}

/** Chaos actions exist on one machine only: the runner's loopback API. */
export async function runChaos(action: string, body: Record<string, unknown>): Promise<string> {
  const base = process.env.RUNNER_STATUS_URL ?? 'http://127.0.0.1:8079';
  const res = await fetch(`${base}/chaos/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const payload = (await res.json().catch(() => ({}))) as {
    detail?: string;
    target?: string;
    error?: string;
  };
  if (!res.ok) throw new Error(payload.error ?? `HTTP ${res.status}`);
  return `${action} ${payload.target ?? ''}: ${payload.detail ?? 'done'}`.trim();
}
