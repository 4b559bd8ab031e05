import { KubernetesSource } from './kubernetes-source';
import { RunnerSource } from './runner-source';
import type { ArchitectureSource } from './snapshot';

export class SourceNotAvailable extends Error {}

/**
 * The dashboard's data source, by configuration: `runner` (one machine: the runner's status
 * API, plus Prometheus) or `kubernetes` (the release's objects through the Kubernetes API,
 * plus kube-prometheus-stack; the storefront chart sets it).
 */
export function architectureSource(
  env: Record<string, string | undefined> = process.env,
): ArchitectureSource {
  const kind = env.ARCHITECTURE_SOURCE ?? 'runner';
  if (kind === 'runner') {
    return new RunnerSource(
      env.RUNNER_STATUS_URL ?? 'http://127.0.0.1:8079',
      env.PROMETHEUS_URL || undefined,
      env.JAEGER_URL || undefined,
    );
  }
  if (kind === 'kubernetes') {
    const namespace = env.ARCHITECTURE_NAMESPACE;
    const release = env.ARCHITECTURE_RELEASE;
    if (!namespace || !release)
      throw new SourceNotAvailable(
        'the kubernetes source needs ARCHITECTURE_NAMESPACE and ARCHITECTURE_RELEASE',
      );
    return new KubernetesSource(
      { namespace, release, podName: env.POD_NAME },
      env.PROMETHEUS_URL || undefined,
      env.JAEGER_URL || undefined,
    );
  }
  throw new SourceNotAvailable(`unknown ARCHITECTURE_SOURCE "${kind}" (use "runner" or "kubernetes")`);
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
